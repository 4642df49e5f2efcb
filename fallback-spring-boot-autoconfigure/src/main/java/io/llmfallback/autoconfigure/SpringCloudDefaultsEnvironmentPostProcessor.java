package io.llmfallback.autoconfigure;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.util.ClassUtils;

/**
 * Keeps Spring Cloud's application features out of an application that has Spring Cloud
 * only as the circuit-breaker API this starter builds its breakers with.
 * <p>
 * That API comes in spring-cloud-commons and spring-cloud-circuitbreaker-resilience4j,
 * which also auto-configure a Spring Cloud application: discovery clients and their
 * health contributors ({@code discoveryComposite}, {@code reactiveDiscoveryClients},
 * UNKNOWN until a registry is found), a {@code features} endpoint, a check that fails
 * start-up on a Spring Boot release Spring Cloud does not list, and the host's name and
 * address as a property source. Without spring-cloud-context, which every Spring Cloud
 * starter brings, the application asked for none of these. And Spring Cloud's own
 * Resilience4j circuit-breaker factory bean cannot start without Resilience4j's Spring
 * Boot module, which the starter does not bring (it makes its own factory).
 * <p>
 * Each is switched off by Spring Cloud's documented {@code enabled} property, in a
 * property source of the lowest precedence, so that a value the application sets in its
 * configuration files, environment or command line wins. With a Spring Cloud starter, and
 * Resilience4j's Spring Boot module, nothing is changed.
 */
final class SpringCloudDefaultsEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	/**
	 * The property source holding the defaults, visible under this name in
	 * {@code /actuator/env}.
	 */
	public static final String PROPERTY_SOURCE_NAME = "llmFallbackSpringCloudDefaults";

	private static final String SPRING_CLOUD_CONTEXT = "org.springframework.cloud.autoconfigure.RefreshAutoConfiguration";

	private static final String RESILIENCE4J_SPRING_BOOT = "io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration";

	/**
	 * Added by spring-cloud-commons for service registration, which is off without Spring
	 * Cloud.
	 */
	private static final String HOST_INFO_PROPERTY_SOURCE = "springCloudClientHostInfo";

	private static final Map<String, Object> WITHOUT_SPRING_CLOUD = Map.of("spring.cloud.discovery.enabled", "false",
			"spring.cloud.features.enabled", "false", "spring.cloud.compatibility-verifier.enabled", "false");

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		MutablePropertySources sources = environment.getPropertySources();
		Map<String, Object> defaults = new LinkedHashMap<>();
		if (!ClassUtils.isPresent(SPRING_CLOUD_CONTEXT, application.getClassLoader())) {
			defaults.putAll(WITHOUT_SPRING_CLOUD);
			sources.remove(HOST_INFO_PROPERTY_SOURCE);
		}
		if (!ClassUtils.isPresent(RESILIENCE4J_SPRING_BOOT, application.getClassLoader())) {
			defaults.put("spring.cloud.circuitbreaker.resilience4j.enabled", "false");
		}
		if (!defaults.isEmpty()) {
			sources.addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, defaults));
		}
	}

	/**
	 * After every other processor, so that the defaults come after every source they add.
	 */
	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
