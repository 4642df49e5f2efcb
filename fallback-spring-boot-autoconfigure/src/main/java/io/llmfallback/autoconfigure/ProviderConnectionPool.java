package io.llmfallback.autoconfigure;

import java.time.Duration;

import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;

/**
 * Provider calls' own Reactor Netty connection pool, sized by the bulkhead. Reactor
 * Netty's global pool allows 500 connections a host and queues 1,000 more calls for up to
 * 45 s, whatever {@code max-concurrency} says: a provider allowed 1,000 calls in flight
 * would have half of them waiting for a connection, and one allowed 2,000 would see calls
 * refused by the pool as connection failures. This pool allows as many connections a host
 * as the providers may have calls in flight together (the sum of their
 * {@code max-concurrency}), so that the bulkhead alone bounds provider calls, and closes
 * connections idle for 30 s, before the providers' load balancers drop them under a
 * request.
 */
final class ProviderConnectionPool implements AutoCloseable {

	static final Duration MAX_IDLE_TIME = Duration.ofSeconds(30);

	private final ConnectionProvider connections;

	ProviderConnectionPool(int maxConnectionsPerHost) {
		this.connections = ConnectionProvider.builder("llm-fallback-providers")
			.maxConnections(maxConnectionsPerHost)
			.maxIdleTime(MAX_IDLE_TIME)
			.build();
	}

	/**
	 * The builder making its HTTP clients on this pool; the application's client
	 * customizers still apply.
	 */
	ReactorClientHttpConnectorBuilder applyTo(ReactorClientHttpConnectorBuilder builder) {
		return builder.withHttpClientFactory(() -> HttpClient.create(this.connections));
	}

	int maxConnectionsPerHost() {
		return this.connections.maxConnections();
	}

	@Override
	public void close() {
		this.connections.dispose();
	}

}
