package io.blackstart.agent;

/**
 * How many starts this host can take right now: the credits an agent grants the coordinator. Pure; no clock, no I/O.
 *
 * <p><b>Goal.</b> A host receives a start only when it has room for one, judged from its live state, so that starts
 * don't pile up on a busy host and time out.
 *
 * <p><b>Algorithm.</b>
 * <pre>
 *   headroom(p, low, high) = 1 if p &le; low, 0 if p &ge; high, linear in between
 *   pressureShare  = min(headroom(cpuPressure, cpuLow, cpuHigh), headroom(ioPressure, ioLow, ioHigh))
 *   capacity       = min(maxCredits, floor(maxCredits * pressureShare), cores * startsPerCore)
 *                    (the cores term is skipped when cores are unknown)
 *   slotCredits    = capacity - startsInFlight - pullsInFlight
 *   memoryCredits  = floor((memAvailableMb - memoryReserveMb - pendingStartMemoryMb) / memoryPerStartMb)
 *                    (unbounded when memory is unknown, i.e. memTotalMb = 0)
 *   credits        = clamp(min(slotCredits, memoryCredits), 0, maxCredits)
 *   credits        = max(credits, 1)  when nothing is in flight and memoryCredits &ge; 1   (progress floor)
 * </pre>
 * The progress floor keeps recovery moving on a host whose pressure comes from elsewhere (after a blackout every
 * host is busy booting; PSI counts any stalled task): such a host starts one container at a time instead of none.
 * Pressures are shares 0..1 (PSI "some avg10" / 100, or load average per core when PSI is absent). A pull counts
 * as one more start in flight because it loads the same disk and network; a start that pulls is thus counted twice.
 * {@code pendingStartMemoryMb} is the memory limits of starts in flight, which MemAvailable does not show yet.
 *
 * <p><b>Invariants.</b> {@code 0 <= credits <= maxCredits}; credits never increase when pressure, starts in flight,
 * pulls in flight or pending memory increase, or when available memory decreases.
 *
 * @param maxCredits       upper bound of credits (&gt; 0)
 * @param cpuPressureLow   CPU pressure at or below which CPU does not limit
 * @param cpuPressureHigh  CPU pressure at or above which no credit is granted
 * @param ioPressureLow    I/O pressure at or below which I/O does not limit
 * @param ioPressureHigh   I/O pressure at or above which no credit is granted
 * @param memoryReserveMb  memory kept for the host, MiB
 * @param memoryPerStartMb memory one further start is assumed to need, MiB (&gt; 0)
 * @param startsPerCore    starts in flight per core the host handles well (&gt; 0)
 */
public record CreditPolicy(int maxCredits, double cpuPressureLow, double cpuPressureHigh, double ioPressureLow,
                           double ioPressureHigh, long memoryReserveMb, long memoryPerStartMb, int startsPerCore) {

    /** What limited a decision, for logs and tests. */
    public enum Limit { MAX_CREDITS, PRESSURE, CORES, IN_FLIGHT, MEMORY, PROGRESS_FLOOR }

    /**
     * A credit decision with its intermediate terms, so each decision can be explained.
     *
     * @param credits       credits granted
     * @param capacity      starts the host can run at once under the current pressure
     * @param slotCredits   capacity minus the starts and pulls in flight (may be negative)
     * @param memoryCredits starts the free memory allows ({@link Integer#MAX_VALUE} if memory is unknown)
     * @param limitedBy     the term that set {@code credits}
     */
    public record Decision(int credits, int capacity, int slotCredits, int memoryCredits, Limit limitedBy) {
    }

    /** Computes the credits for one reading and the work in flight. */
    public Decision decide(HostReading reading, int startsInFlight, int pullsInFlight, long pendingStartMemoryMb) {
        double share = Math.min(headroom(reading.cpuPressure(), cpuPressureLow, cpuPressureHigh),
                headroom(reading.ioPressure(), ioPressureLow, ioPressureHigh));
        int byPressure = (int) Math.floor(maxCredits * share + 1e-9);
        int byCores = reading.cores() > 0 ? reading.cores() * startsPerCore : Integer.MAX_VALUE;
        int capacity = Math.min(maxCredits, Math.min(byPressure, byCores));
        Limit capacityLimit = capacity == maxCredits ? Limit.MAX_CREDITS
                : capacity == byPressure ? Limit.PRESSURE : Limit.CORES;

        int slotCredits = capacity - Math.max(0, startsInFlight) - Math.max(0, pullsInFlight);
        Limit slotLimit = slotCredits < capacity ? Limit.IN_FLIGHT : capacityLimit;

        int memoryCredits = Integer.MAX_VALUE;
        if (reading.memoryTotalMb() > 0) {
            long free = reading.memoryAvailableMb() - memoryReserveMb - Math.max(0, pendingStartMemoryMb);
            memoryCredits = (int) Math.max(0, Math.min(Integer.MAX_VALUE, Math.floorDiv(free, memoryPerStartMb)));
        }
        int credits = Math.max(0, Math.min(maxCredits, Math.min(slotCredits, memoryCredits)));
        Limit limit = memoryCredits < slotCredits && memoryCredits < maxCredits ? Limit.MEMORY : slotLimit;
        if (credits == 0 && startsInFlight <= 0 && pullsInFlight <= 0 && memoryCredits >= 1) {
            credits = 1;
            limit = Limit.PROGRESS_FLOOR;
        }
        return new Decision(credits, capacity, slotCredits, memoryCredits, limit);
    }

    private static double headroom(double pressure, double low, double high) {
        if (pressure <= low) {
            return 1;
        }
        if (pressure >= high) {
            return 0;
        }
        return (high - pressure) / (high - low);
    }
}
