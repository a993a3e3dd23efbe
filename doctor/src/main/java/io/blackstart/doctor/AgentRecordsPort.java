package io.blackstart.doctor;

/** Reads the agents recorded in etcd. Implementations bound every call and never throw. */
public interface AgentRecordsPort {

    /** One read of {@code <prefix>/agents/}. */
    RecordedAgents read();
}
