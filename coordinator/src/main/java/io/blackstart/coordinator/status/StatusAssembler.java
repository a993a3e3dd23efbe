package io.blackstart.coordinator.status;

import io.blackstart.coordinator.catalog.CatalogKeeper;
import io.blackstart.coordinator.tracker.ThroughputMeter;

import io.blackstart.coordinator.tracker.TrackerView;
import io.blackstart.protocol.Tier;
import io.blackstart.scheduler.InstanceState;
import io.blackstart.scheduler.Ledger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds a {@link StatusSnapshot} from the ledger's queries. Pure; called by the recovery manager only. */
public final class StatusAssembler {

    private StatusAssembler() {
    }

    public static StatusSnapshot assemble(String phase, String mode, long modeSince, String modeBy, long now, Ledger ledger,
                                   Collection<StatusSnapshot.HostStatus> hosts, CatalogKeeper.CatalogUpdate catalog,
                                   boolean storeOk, String storeDetail, ThroughputMeter meter) {
        Map<Tier, int[]> perTier = new EnumMap<>(Tier.class);
        for (Tier t : Tier.values()) {
            perTier.put(t, new int[7]);
        }
        List<StatusSnapshot.InstanceStatus> instances = new ArrayList<>(ledger.instanceCount());
        ledger.forEachInstance((instanceId, appId, tier, state, nodeId, attempt, failure) -> {
            int[] c = perTier.get(tier);
            c[0]++;
            switch (state) {
                case RUNNING -> c[1]++;
                case ASSIGNED, STARTING -> c[2]++;
                case PENDING -> c[3]++;
                case FAILED -> c[4]++;
                case RUNNING_UNREADY -> c[5]++;
                case NEEDS_ATTENTION -> c[6]++;
                default -> { }
            }
            instances.add(new StatusSnapshot.InstanceStatus(instanceId, appId, tier.wireName(), stateName(state),
                    nodeId, attempt, failure));
        });
        int[] total = new int[7];
        Map<String, StatusSnapshot.Counts> tiers = new LinkedHashMap<>();
        perTier.forEach((t, c) -> {
            tiers.put(t.wireName(), counts(c));
            for (int i = 0; i < total.length; i++) {
                total[i] += c[i];
            }
        });
        meter.sample(now, total[1]);
        boolean etcdOk = storeOk && (catalog == null || catalog.etcdOk());
        String detail = !storeOk ? storeDetail : catalog != null && !catalog.etcdOk() ? catalog.etcdDetail() : "";
        List<StatusSnapshot.HostStatus> hostList = new ArrayList<>(hosts);
        hostList.sort(Comparator.comparing(StatusSnapshot.HostStatus::nodeId));
        return new StatusSnapshot(phase, mode, modeSince, modeBy, now, counts(total), tiers,
                catalog == null ? List.of() : catalog.catalog().rejected(), etcdOk, detail,
                catalog == null ? "none" : catalog.source().name().toLowerCase(), hostList, instances,
                meter.perSecond(now), meter.etaSeconds(now, total[0] - total[1] - total[4] - total[6]), TrackerView.EMPTY,
                catalog == null ? 0 : catalog.rejectedTotal());
    }

    private static final String[] STATE_NAMES = Arrays.stream(InstanceState.values())
            .map(InstanceState::wireName).toArray(String[]::new);

    static String stateName(InstanceState s) {
        return STATE_NAMES[s.ordinal()];
    }

    private static StatusSnapshot.Counts counts(int[] c) {
        return new StatusSnapshot.Counts(c[0], c[1], c[2], c[3], c[4], c[5], c[6]);
    }
}
