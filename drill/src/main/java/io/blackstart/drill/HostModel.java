package io.blackstart.drill;

/**
 * The physics of the simulated platform, calibrated on the anchors of ANCHORS.md: a Docker engine start takes
 * ≈ 0.25 s alone; a host's start throughput saturates at a knee of 2–4 concurrent starts (≈ 8/s), beyond which only
 * latency grows (processor sharing: 16 in flight ≈ 2 s each); an image missing on a host costs a pull of its size
 * through the host's link and a registry whose bandwidth every pulling host shares.
 *
 * @param registryMBpsPerHost registry bandwidth per host of the platform, MB/s: the registry (replicas, pull-through
 *                           caches) is sized with the fleet; every pull in progress shares the total
 * @param hostLinkMBps       bandwidth of one host's link to the registry, MB/s (one pull at a time per host, as
 *                           kubelet's default {@code serializeImagePulls: true})
 * @param degradedFraction   share of hosts that are degraded (failing disk, noisy neighbour): 4× slower starts, knee 1
 * @param imageCacheImages   images a host holds beyond those of its own containers (its cache from earlier
 *                           placements), sampled uniformly from the catalog
 * @param gcFraction         share of hosts whose image GC ran before the blackout: no images and no stopped
 *                           containers left on them
 * @param memoryHeadroom     total memory of the hosts that come back ÷ total memory of all instances
 */
public record HostModel(double registryMBpsPerHost, double hostLinkMBps, double degradedFraction, int imageCacheImages,
                        double gcFraction, double memoryHeadroom) {

    /**
     * 10 MB/s of registry per host (5 GB/s, 40 Gb/s, for 500 hosts), 10 GbE hosts, 3% degraded hosts, 150 cached
     * images per host, 5% of hosts GC'd, 1.6× memory.
     */
    public static HostModel defaults() {
        return new HostModel(10, 1_250, 0.03, 150, 0.05, 1.6);
    }

    /** Total registry bandwidth for a platform of {@code hosts} hosts, MB/s. */
    public double registryMBps(int hosts) {
        return registryMBpsPerHost * hosts;
    }
}
