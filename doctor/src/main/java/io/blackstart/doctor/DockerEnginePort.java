package io.blackstart.doctor;

/** Reads the facts of one Docker engine. Must bound every call with its timeouts and never throw. */
public interface DockerEnginePort {

    /** Ping, version and info of the engine, plus the free space of its data root when visible. */
    DockerFacts facts();
}
