package io.blackstart.drill;

/**
 * The physics of the simulated platform, calibrated on the anchors of ANCHORS.md: a Docker engine start takes
 * ≈ 0.25 s alone; a host's start throughput saturates at a knee of 2–4 concurrent starts (≈ 8/s), beyond which only
 * latency grows (processor sharing: 16 in flight ≈ 2 s each); an image missing on a host costs a pull of its size
 * through the host's link and a registry whose bandwidth every pulling host shares.
 *
 * @param registryMBps       aggregate registry bandwidth shared by every pull in progress, MB/s
 * @param hostLinkMBps       bandwidth of one host's link to the registry, MB/s (one pull at a time per host, as
 *                           kubelet's default {@code serializeImagePulls: true})
 * @param degradedFraction   share of hosts that are degraded (failing disk, noisy neighbour): 4× slower starts, knee 1
 * @param imageCacheImages   images a host holds beyond those of its own containers (its cache from earlier
 *                           placements), sampled uniformly from the catalog
 * @param gcFraction         share of hosts whose image GC ran before the blackout: no images and no stopped
 *                           containers left on them
 * @param memoryHeadroom     total memory of the hosts that come back ÷ total memory of all instances
 */
public record HostModel(double registryMBps, double hostLinkMBps, double degradedFraction, int imageCacheImages,
                        double gcFraction, double memoryHeadroom) {

    /** 40 Gb/s registry, 10 GbE hosts, 3% degraded hosts, 150 cached images, 5% of hosts GC'd, 1.6× memory. */
    public static HostModel defaults() {
        return new HostModel(5_000, 1_250, 0.03, 150, 0.05, 1.6);
    }
}
