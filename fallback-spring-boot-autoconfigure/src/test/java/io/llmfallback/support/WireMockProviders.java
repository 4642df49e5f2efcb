package io.llmfallback.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;

/**
 * WireMock servers standing in for providers, on loopback, started and stopped by JUnit.
 */
public final class WireMockProviders {

	private WireMockProviders() {
	}

	/**
	 * A started server, for tests whose Spring context loads before JUnit extensions
	 * start (per-class test lifecycle); the test stops it.
	 */
	public static WireMockServer started() {
		WireMockServer server = new WireMockServer(options());
		server.start();
		return server;
	}

	/**
	 * A server for a {@code @RegisterExtension static} field. Bound to the IP literal so
	 * that {@code localhost} resolving to {@code ::1} cannot interfere.
	 */
	public static WireMockExtension server() {
		return WireMockExtension.newInstance().options(options()).build();
	}

	private static WireMockConfiguration options() {
		return WireMockConfiguration.wireMockConfig().dynamicPort().bindAddress("127.0.0.1");
	}

}
