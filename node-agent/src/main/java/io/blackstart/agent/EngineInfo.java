package io.blackstart.agent;

/**
 * What a container engine says about itself.
 *
 * @param version    engine version, e.g. {@code 20.10.24}
 * @param apiVersion the API version it speaks, e.g. {@code 1.41}
 */
public record EngineInfo(String version, String apiVersion) {
}
