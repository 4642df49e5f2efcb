package io.llmfallback.autoconfigure;

import java.util.Map;

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

/** Spring Cloud's defaults, with and without a Spring Cloud starter (spring-cloud-context) on the class path. */
class SpringCloudDefaultsEnvironmentPostProcessorTests {

	private static final String HOST_INFO = "springCloudClientHostInfo";

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
	void aSpringCloudApplicationIsLeftAsItIs() {
		process(new SpringCloudContextClassLoader(getClass().getClassLoader()));
		assertThat(this.environment.getProperty("spring.cloud.discovery.enabled")).isNull();
		assertThat(this.environment.getProperty("spring.cloud.client.hostname")).isEqualTo("build-host");
	}

	private void process(ClassLoader classLoader) {
		SpringApplication application = new SpringApplication();
		application.setResourceLoader(new DefaultResourceLoader(classLoader));
		new SpringCloudDefaultsEnvironmentPostProcessor().postProcessEnvironment(this.environment, application);
	}

	/** Has spring-cloud-context's refresh auto-configuration, as an empty class, as a Spring Cloud starter brings it. */
	static final class SpringCloudContextClassLoader extends ClassLoader {

		private static final String REFRESH_AUTO_CONFIGURATION = "org.springframework.cloud.autoconfigure.RefreshAutoConfiguration";

		SpringCloudContextClassLoader(ClassLoader parent) {
			super(parent);
		}

		@Override
		protected Class<?> findClass(String name) throws ClassNotFoundException {
			if (!name.equals(REFRESH_AUTO_CONFIGURATION)) {
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
