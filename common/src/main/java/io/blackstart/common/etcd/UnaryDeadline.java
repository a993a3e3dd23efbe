package io.blackstart.common.etcd;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;

import java.util.concurrent.TimeUnit;

/**
 * Puts a gRPC deadline on every unary call that has none; leaves streams (watch, lease keep-alive) alone. jetcd's
 * defaults wait forever on a frozen or not-ready member (ETCD.md): only a deadline ends such a call.
 *
 * @param millis the deadline of each unary call, from when it starts
 */
public record UnaryDeadline(long millis) implements ClientInterceptor {

    public UnaryDeadline {
        if (millis <= 0) {
            throw new IllegalArgumentException("a unary deadline must be > 0 ms, got " + millis);
        }
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        boolean unary = method.getType() == MethodDescriptor.MethodType.UNARY;
        return next.newCall(method, unary && options.getDeadline() == null
                ? options.withDeadlineAfter(millis, TimeUnit.MILLISECONDS) : options);
    }
}
