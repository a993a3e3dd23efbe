package io.blackstart.drill;

import io.blackstart.protocol.AppSpec;
import io.blackstart.protocol.Catalog;
import io.blackstart.protocol.Tier;

import java.util.BitSet;

/**
 * The platform at the moment power fails: hosts, apps, instances, which images and stopped containers each host
 * keeps, and when each host comes back. Immutable after construction (arrays are not copied; nobody writes them);
 * every policy runs against the same world.
 *
 * <p>Indexes: apps {@code 0..apps-1} in catalog (id) order; instances {@code 0..instances-1} grouped by app, in
 * index order; hosts {@code 0..hosts-1}. Times in seconds since the blackout ends (power is back at t = 0).
 */
final class World {

    final Catalog catalog;
    final AppSpec[] apps;
    /** Per app: image size, MB; boot time after the engine started the container, s; index of its first instance. */
    final double[] imageMb;
    final double[] bootSeconds;
    final int[] firstInstance;
    /** Per app: indexes of the apps it depends on. */
    final int[][] dependsOn;

    /** Per instance: its app, its id, the host holding its stopped container (-1: none). */
    final int[] instanceApp;
    final String[] instanceId;
    final int[] home;

    /** Per host. returnAt is +∞ for a host that never comes back. */
    final String[] hostId;
    final int[] cores;
    final long[] memoryMb;
    final int[] knee;
    final double[] soloStartSeconds;
    final double[] returnAt;
    final boolean[] degraded;
    final boolean[] gcRan;
    /** Per host: the apps whose image it holds. */
    final BitSet[] images;

    final HostModel model;

    /**
     * Per app: seconds from running (boot done) to ready, or null when readiness is not modelled (running = ready,
     * and nobody crash-loops on a dependency).
     */
    final double[] readySeconds;
    /** The etcd outage window [from, to), seconds since power-on; NaN when there is none. */
    final double etcdOutageFrom;
    final double etcdOutageTo;

    World(Catalog catalog, double[] imageMb, double[] bootSeconds, int[] home, String[] hostId, int[] cores,
          long[] memoryMb, int[] knee, double[] soloStartSeconds, double[] returnAt, boolean[] degraded,
          boolean[] gcRan, BitSet[] images, HostModel model) {
        this(catalog, imageMb, bootSeconds, home, hostId, cores, memoryMb, knee, soloStartSeconds, returnAt, degraded,
                gcRan, images, model, null, Double.NaN, Double.NaN);
    }

    World(Catalog catalog, double[] imageMb, double[] bootSeconds, int[] home, String[] hostId, int[] cores,
          long[] memoryMb, int[] knee, double[] soloStartSeconds, double[] returnAt, boolean[] degraded,
          boolean[] gcRan, BitSet[] images, HostModel model, double[] readySeconds, double etcdOutageFrom,
          double etcdOutageTo) {
        this.readySeconds = readySeconds;
        this.etcdOutageFrom = etcdOutageFrom;
        this.etcdOutageTo = etcdOutageTo;
        this.catalog = catalog;
        this.apps = catalog.apps().values().toArray(new AppSpec[0]);
        this.imageMb = imageMb;
        this.bootSeconds = bootSeconds;
        this.firstInstance = new int[apps.length + 1];
        java.util.Map<String, Integer> appIndex = new java.util.HashMap<>();
        int n = 0;
        for (int a = 0; a < apps.length; a++) {
            appIndex.put(apps[a].id(), a);
            firstInstance[a] = n;
            n += apps[a].instances();
        }
        firstInstance[apps.length] = n;
        this.dependsOn = new int[apps.length][];
        for (int a = 0; a < apps.length; a++) {
            dependsOn[a] = apps[a].dependsOn().stream().mapToInt(appIndex::get).toArray();
        }
        this.instanceApp = new int[n];
        this.instanceId = new String[n];
        for (int a = 0; a < apps.length; a++) {
            for (int i = 0; i < apps[a].instances(); i++) {
                instanceApp[firstInstance[a] + i] = a;
                instanceId[firstInstance[a] + i] = apps[a].instance(i).toString();
            }
        }
        this.home = home;
        this.hostId = hostId;
        this.cores = cores;
        this.memoryMb = memoryMb;
        this.knee = knee;
        this.soloStartSeconds = soloStartSeconds;
        this.returnAt = returnAt;
        this.degraded = degraded;
        this.gcRan = gcRan;
        this.images = images;
        this.model = model;
    }

    int instances() {
        return instanceApp.length;
    }

    int hosts() {
        return hostId.length;
    }

    Tier tier(int instance) {
        return apps[instanceApp[instance]].tier();
    }

    long memory(int instance) {
        return apps[instanceApp[instance]].memoryMb();
    }

    /** Starts per second of a host at its best concurrency (its knee): knee / solo start time. */
    double startCapacity(int host) {
        return knee[host] / soloStartSeconds[host];
    }

    /** True when readiness is modelled. */
    boolean readiness() {
        return readySeconds != null;
    }

    /** Seconds from running to ready of an app (0 without readiness). */
    double readySeconds(int app) {
        return readySeconds == null ? 0 : readySeconds[app];
    }

    /** True when etcd accepts no writes at time {@code t}. */
    boolean etcdDown(double t) {
        return t >= etcdOutageFrom && t < etcdOutageTo;
    }

    boolean returns(int host) {
        return returnAt[host] != Double.POSITIVE_INFINITY;
    }
}
