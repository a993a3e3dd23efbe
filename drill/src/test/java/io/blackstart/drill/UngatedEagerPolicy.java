package io.blackstart.drill;

import io.blackstart.protocol.wire.StartResult;

import java.util.SplittableRandom;

/**
 * Test only: a schedule with no platform gate and no start order, to check {@link LowerBound#ungatedSeconds()}
 * against. Every instance is started as soon as a host with room for it is up (its home host first, else a random
 * one with room), all at once, no pacing; a failed or timed-out start is retried half a second later. The agent
 * kills a timed-out start; a late copy of an instance already up is stopped.
 */
final class UngatedEagerPolicy implements Policy {

    private final SplittableRandom random;
    private Simulation sim;
    private boolean[] up;
    private boolean[] inFlight;
    private int upCount;
    private boolean retryScheduled;

    UngatedEagerPolicy(long seed) {
        random = new SplittableRandom(seed);
    }

    @Override
    public String name() {
        return "ungated-eager";
    }

    @Override
    public void begin(Simulation sim) {
        this.sim = sim;
        up = new boolean[sim.world.instances()];
        inFlight = new boolean[sim.world.instances()];
    }

    @Override
    public void hostUp(int host) {
        place();
    }

    private boolean fits(int instance, int h) {
        World w = sim.world;
        return sim.isUp(h) && sim.memoryUsed(h) + w.memory(instance) <= w.memoryMb[h];
    }

    private void place() {
        World w = sim.world;
        for (int i = 0; i < w.instances(); i++) {
            if (up[i] || inFlight[i]) {
                continue;
            }
            int h = w.home[i] >= 0 && fits(i, w.home[i]) ? w.home[i] : -1;
            if (h < 0) {
                int offset = random.nextInt(w.hosts());
                for (int k = 0; k < w.hosts() && h < 0; k++) {
                    int c = (offset + k) % w.hosts();
                    if (fits(i, c)) {
                        h = c;
                    }
                }
            }
            if (h >= 0) {
                inFlight[i] = true;
                sim.sendStart(i, h, 1);
            }
        }
    }

    @Override
    public void outcome(StartAttempt start, StartResult result, String detail) {
        inFlight[start.instance] = false;
        if (result == StartResult.STARTED) {
            markUp(start);
        } else if (!retryScheduled) {
            retryScheduled = true;
            sim.schedule(sim.now() + 0.5, () -> {
                retryScheduled = false;
                place();
            });
        }
    }

    private void markUp(StartAttempt start) {
        if (up[start.instance]) {
            sim.stopContainer(start.instance, start.host);
            return;
        }
        up[start.instance] = true;
        upCount++;
    }

    @Override
    public boolean killsOnTimeout() {
        return true;
    }

    @Override
    public boolean finished() {
        return upCount == up.length;
    }
}
