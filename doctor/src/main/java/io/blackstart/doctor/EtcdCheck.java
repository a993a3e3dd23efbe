package io.blackstart.doctor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The etcd checks: observes every configured member on its own, concurrently, then hands the observations
 * to {@link EtcdAssessment}.
 *
 * <p>Peer URLs: a configured one (aligned with the client URL) is always probed. Without one, a member that
 * does not answer on its client port is looked up by client URL in the member lists of the members that
 * did answer, and its peer URL from there is probed, so "down" can be told from "running but not
 * serving". When no member answers and no peer URLs are configured, peer ports are not probed.
 */
public final class EtcdCheck implements CheckTask {

    private final List<String> clientUrls;
    private final List<String> peerUrls;
    private final Supplier<EtcdMemberPort> ports;
    private final EtcdAssessment assessment;
    private final Executor executor;

    /**
     * @param clientUrls one client URL per member
     * @param peerUrls   peer URLs aligned with {@code clientUrls}, or empty
     * @param ports      creates the port to the members (one per run)
     * @param assessment turns observations into checks
     * @param executor   runs the per-member observations
     */
    public EtcdCheck(List<String> clientUrls, List<String> peerUrls, Supplier<EtcdMemberPort> ports,
                     EtcdAssessment assessment, Executor executor) {
        this.clientUrls = List.copyOf(clientUrls);
        this.peerUrls = List.copyOf(peerUrls);
        this.ports = ports;
        this.assessment = assessment;
        this.executor = executor;
    }

    @Override
    public String group() {
        return EtcdAssessment.GROUP;
    }

    @Override
    public List<String> names() {
        List<String> names = new ArrayList<>(memberNames());
        names.add(EtcdAssessment.QUORUM);
        names.add(EtcdAssessment.RAFT_LAG);
        return names;
    }

    /** The names of the per-member checks. */
    public List<String> memberNames() {
        return clientUrls.stream().map(EtcdAssessment::memberCheckName).toList();
    }

    @Override
    public List<Check> run() {
        try (EtcdMemberPort port = ports.get()) {
            List<CompletableFuture<EtcdClientView>> clients = new ArrayList<>();
            List<CompletableFuture<EtcdPeerView>> peers = new ArrayList<>();
            for (int i = 0; i < clientUrls.size(); i++) {
                String client = clientUrls.get(i);
                clients.add(CompletableFuture.supplyAsync(() -> port.clientSide(client), executor));
                Optional<String> peer = peerUrls.isEmpty() ? Optional.empty() : Optional.of(peerUrls.get(i));
                peers.add(peer.isPresent()
                        ? CompletableFuture.supplyAsync(() -> port.peerSide(peer.get()), executor)
                        : CompletableFuture.completedFuture(EtcdPeerView.notProbed()));
            }
            List<EtcdClientView> clientViews = clients.stream().map(CompletableFuture::join).toList();
            List<CompletableFuture<EtcdPeerView>> derived = new ArrayList<>();
            for (int i = 0; i < clientUrls.size(); i++) {
                EtcdClientView view = clientViews.get(i);
                if (peerUrls.isEmpty() && view.status().isEmpty()) {
                    Optional<String> peer = peerFromMemberLists(view.clientUrl(), clientViews);
                    derived.add(peer.isPresent()
                            ? CompletableFuture.supplyAsync(() -> port.peerSide(peer.get()), executor)
                            : peers.get(i));
                } else {
                    derived.add(peers.get(i));
                }
            }
            List<EtcdMemberObservation> observations = new ArrayList<>();
            for (int i = 0; i < clientUrls.size(); i++) {
                observations.add(new EtcdMemberObservation(clientUrls.get(i), clientViews.get(i), derived.get(i).join()));
            }
            return assessment.assess(observations);
        }
    }

    private static Optional<String> peerFromMemberLists(String clientUrl, List<EtcdClientView> views) {
        return views.stream()
                .flatMap(v -> v.members().stream())
                .filter(m -> m.clientUrls().contains(clientUrl) && !m.peerUrls().isEmpty())
                .map(m -> m.peerUrls().get(0))
                .findFirst();
    }
}
