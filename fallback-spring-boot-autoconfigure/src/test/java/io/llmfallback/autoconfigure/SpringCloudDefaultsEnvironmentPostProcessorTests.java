package io.llmfallback.autoconfigure;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.asm.ClassWriter;
import org.springframework.asm.Opcodes;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.DefaultResourceLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring Cloud's defaults, with and without a Spring Cloud starter and Resilience4j's
 * Spring Boot module.
 */
class SpringCloudDefaultsEnvironmentPostProcessorTests {

	private static final String HOST_INFO = "springCloudClientHostInfo";

	/** In spring-cloud-context, which every Spring Cloud starter brings. */
	private static final String REFRESH_AUTO_CONFIGURATION = "org.springframework.cloud.autoconfigure.RefreshAutoConfiguration";

	/**
	 * In resilience4j-spring-boot3, which Spring Cloud's Resilience4j circuit-breaker
	 * starter brings.
	 */
	private static final String RESILIENCE4J_CIRCUIT_BREAKER_AUTO_CONFIGURATION = "io.github.resilience4j.springboot3.circuitbreaker.autoconfigure.CircuitBreakerAutoConfiguration";

	private final StandardEnvironment environment = new StandardEnvironment();

	@BeforeEach
	void addSpringCloudsHostInfo() {
		this.environment.getPropertySources()
			.addLast(new MapPropertySource(HOST_INFO, Map.of("spring.cloud.client.hostname", "build-host")));
	}

	@Test
	void withoutSpringCloudContextSpringCloudsFeaturesAreOffBelowTheApplicationsOwnSettings() {
		this.environment.getPropertySources()
			.addFirst(new MapPropertySource("application", Map.of("spring.cloud.features.enabled", "true")));
		process(getClass().getClassLoader());
		assertThat(this.environment.getProperty("spring.cloud.discovery.enabled")).isEqualTo("false");
		assertThat(this.environment.getProperty("spring.cloud.compatibility-verifier.enabled")).isEqualTo("false");
		assertThat(this.environment.getProperty("spring.cloud.circuitbreaker.resilience4j.enabled")).isEqualTo("false");
		assertThat(this.environment.getProperty("spring.cloud.features.enabled")).isEqualTo("true");
		assertThat(this.environment.getPropertySources().stream().map(PropertySource::getName))
			.doesNotContain(HOST_INFO)
			.last()
			.isEqualTo(SpringCloudDefaultsEnvironmentPostProcessor.PROPERTY_SOURCE_NAME);
	}

	@Test
	void aSpringCloudApplicationKeepsItsFeaturesAndLosesOnlyAFactoryThatCouldNotStart() {
		process(new ClassLoaderWith(getClass().getClassLoader(), REFRESH_AUTO_CONFIGURATION));
		assertThat(this.environment.getProperty("spring.cloud.discovery.enabled")).isNull();
		assertThat(this.environment.getProperty("spring.cloud.client.hostname")).isEqualTo("build-host");
		assertThat(this.environment.getProperty("spring.cloud.circuitbreaker.resilience4j.enabled")).isEqualTo("false");
	}

	@Test
	void aSpringCloudApplicationWithResilience4jsSpringBootModuleIsLeftAsItIs() {
		process(new ClassLoaderWith(getClass().getClassLoader(), REFRESH_AUTO_CONFIGURATION,
				RESILIENCE4J_CIRCUIT_BREAKER_AUTO_CONFIGURATION));
		assertThat(this.environment.getPropertySources().stream().map(PropertySource::getName))
			.doesNotContain(SpringCloudDefaultsEnvironmentPostProcessor.PROPERTY_SOURCE_NAME)
			.contains(HOST_INFO);
	}

	private void process(ClassLoader classLoader) {
		SpringApplication application = new SpringApplication();
		application.setResourceLoader(new DefaultResourceLoader(classLoader));
		new SpringCloudDefaultsEnvironmentPostProcessor().postProcessEnvironment(this.environment, application);
	}

	/** Has the named classes, empty, as the jars that carry them would. */
	static final class ClassLoaderWith extends ClassLoader {

		private final Set<String> names;

		ClassLoaderWith(ClassLoader parent, String... names) {
			super(parent);
			this.names = Set.of(names);
		}

		@Override
		protected Class<?> findClass(String name) throws ClassNotFoundException {
			if (!this.names.contains(name)) {
				throw new ClassNotFoundException(name);
			}
			ClassWriter writer = new ClassWriter(0);
			writer.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, name.replace('.', '/'), null, "java/lang/Object", null);
			writer.visitEnd();
			byte[] bytes = writer.toByteArray();
			return defineClass(name, bytes, 0, bytes.length);
		}

	}

}
