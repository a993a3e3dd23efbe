package io.blackstart.coordinator.tracker;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The recovery tracker's memory: fed one observation of the ledger at a time (the recovery manager calls
 * {@link #observe} when it builds a status snapshot), it keeps the start rate, the running curve, the timeline and
 * each app's downtime, and answers with a {@link TrackerView}. Pure: no Pekko, no clock ({@code now} comes in);
 * single-threaded (owned by the recovery manager). Its memory is the recovery manager's: a new singleton
 * incarnation starts a new timeline.
 */
public final class Tracker {

    /** Settings: sliding window of the start rate, bounds of the curve and of the timeline. */
    public record Settings(long windowMillis, int curvePoints, int timelineEvents) {
        /** 30 s window, 600 curve points, 1000 timeline events. */
        public static final Settings DEFAULT = new Settings(30_000, 600, 1000);
    }

    private final StartRate rate;
    private final RunningCurve curve;
    private final RecoveryTimeline timeline;
    private final DowntimeBook downtime = new DowntimeBook();
    private final UnreadyBook unready = new UnreadyBook();
    private final Map<String, String> lastState = new HashMap<>();
    private final Map<String, Long> startingSince = new HashMap<>();

    public Tracker(Settings settings) {
        this.rate = new StartRate(settings.windowMillis());
        this.curve = new RunningCurve(settings.curvePoints());
        this.timeline = new RecoveryTimeline(settings.timelineEvents());
    }

    /**
     * One observation.
     *
     * @param now       epoch millis
     * @param mode      {@code recovery} or {@code normal}
     * @param modeBy    {@code auto} or {@code operator}
     * @param modeSince epoch millis the mode was entered
     * @param instances every desired instance
     * @param hosts     the hosts reporting
     * @param dependsOn app → apps it depends on (for the ETA's ordering bound)
     */
    public TrackerView observe(long now, String mode, String modeBy, long modeSince,
                               Collection<TrackedInstance> instances, Collection<String> hosts,
                               Map<String, List<String>> dependsOn) {
        rate.observe(now);
        timeline.mode(now, mode, modeBy, modeSince);
        timeline.hosts(now, hosts);
        Map<String, int[]> perTier = new LinkedHashMap<>();
        Map<String, String> tierOf = new HashMap<>();
        Map<String, Boolean> appUp = new HashMap<>();
        Set<String> notUp = new HashSet<>();
        int running = 0;
        int remaining = 0;
        Set<String> present = new HashSet<>();
        for (TrackedInstance i : instances) {
            present.add(i.instanceId());
            String before = lastState.put(i.instanceId(), i.state());
            int[] c = perTier.computeIfAbsent(i.tier(), t -> new int[2]);
            c[0]++;
            tierOf.put(i.appId(), i.tier());
            appUp.merge(i.appId(), i.running(), Boolean::logicalAnd);
            switch (i.state()) {
                case "running" -> {
                    c[1]++;
                    running++;
                    Long since = startingSince.remove(i.instanceId());
                    if (i.startedAtMillis() > 0) {
                        // a confirmed start, possibly of a restart between two observations
                        long at = Math.min(now, i.startedAtMillis());
                        rate.started(at, since == null ? -1 : Math.max(0, at - since));
                        timeline.started(at, i.tier(), i.instanceId());
                    } else if (before != null && !before.equals("running")) {
                        rate.started(now, since == null ? -1 : now - since);
                        timeline.started(now, i.tier(), i.instanceId());
                    }
                }
                case "assigned", "starting" -> {
                    startingSince.putIfAbsent(i.instanceId(), now);
                    remaining++;
                    notUp.add(i.appId());
                }
                case "failed" -> {
                    startingSince.remove(i.instanceId());
                    if (before != null && !before.equals("failed")) {
                        timeline.failed(now, i.instanceId(), i.failure());
                    }
                }
                case "needs-attention" -> {
                    // an operator must act: not work the ETA waits for, like a failure
                    startingSince.remove(i.instanceId());
                    if (!"needs-attention".equals(before)) {
                        timeline.needsAttention(now, i.instanceId(), i.failure());
                    }
                }
                case "running-unready" -> {
                    // started; up once its check passes (the start rate counts it then)
                    remaining++;
                    notUp.add(i.appId());
                }
                default -> {
                    startingSince.remove(i.instanceId());
                    remaining++;
                    notUp.add(i.appId());
                }
            }
        }
        lastState.keySet().retainAll(present);
        startingSince.keySet().retainAll(present);
        timeline.tiers(now, perTier);
        downtime.observe(now, instances);
        unready.observe(now, instances);
        curve.sample(now, running);
        double perSecond = rate.perSecond(now);
        int levels = EtaEstimator.remainingLevels(notUp, tierOf, dependsOn);
        long eta = EtaEstimator.etaSeconds(remaining, perSecond, levels, rate.meanStartSeconds()).orElse(-1);
        int appsRunning = (int) appUp.values().stream().filter(b -> b).count();
        return new TrackerView(perSecond, eta, rate.meanStartSeconds(), levels, appUp.size(), appsRunning,
                timeline.events(), downtime.downtimes(now), curve.points(), unready.apps(now));
    }
}
