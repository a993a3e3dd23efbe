package io.blackstart.coordinator.tracker;

import java.util.ArrayList;
import java.util.List;

/**
 * The running-over-time curve in bounded memory: a point when the running count changes or a second passed;
 * beyond {@code maxPoints}, every second point of the older half is dropped (the recent past keeps its detail).
 * Single-threaded; {@code now} comes in.
 */
public final class RunningCurve {

    private final int maxPoints;
    private final List<CurvePoint> points = new ArrayList<>();

    /** @param maxPoints at least 4 */
    public RunningCurve(int maxPoints) {
        if (maxPoints < 4) {
            throw new IllegalArgumentException("maxPoints must be >= 4");
        }
        this.maxPoints = maxPoints;
    }

    /** {@code running} instances at {@code now}. */
    public void sample(long now, int running) {
        CurvePoint last = points.isEmpty() ? null : points.get(points.size() - 1);
        if (last != null && last.running() == running && now - last.at() < 1000) {
            return;
        }
        points.add(new CurvePoint(now, running));
        if (points.size() > maxPoints) {
            int half = points.size() / 2;
            List<CurvePoint> thinned = new ArrayList<>(maxPoints);
            for (int i = 0; i < half; i++) {
                if (i % 2 == 0) {
                    thinned.add(points.get(i));
                }
            }
            thinned.addAll(points.subList(half, points.size()));
            points.clear();
            points.addAll(thinned);
        }
    }

    /** The points, oldest first. */
    public List<CurvePoint> points() {
        return List.copyOf(points);
    }
}
