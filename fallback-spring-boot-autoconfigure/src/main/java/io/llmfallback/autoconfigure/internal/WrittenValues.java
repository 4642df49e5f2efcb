package io.llmfallback.autoconfigure.internal;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.Environment;

/**
 * Property values as the user wrote them, for problem reports: {@code -5s} rather than
 * the bound {@code PT-5S}, which the user never wrote and may not recognise. Never asked
 * for an API key. Public for the modules that check properties of their own under
 * {@code llm.fallback} (fallback-gate).
 */
public final class WrittenValues {

	private final Environment environment;

	private final Iterable<ConfigurationPropertySource> sources;

	public WrittenValues(Environment environment) {
		this.environment = environment;
		this.sources = ConfigurationPropertySources.get(environment);
	}

	/**
	 * The value of the property as written, placeholders resolved, in the source the
	 * binder took it from; the bound value in the properties' notation when no source
	 * holds it (a default, or one inherited).
	 */
	public String of(String property, Object bound) {
		// A provider or chain name keeps the capitals the user wrote: adapted, such a
		// name is still looked up.
		ConfigurationPropertyName name = ConfigurationPropertyName.ofIfValid(property);
		if (name == null) {
			name = ConfigurationPropertyName.adapt(property, '.');
		}
		for (ConfigurationPropertySource source : this.sources) {
			ConfigurationProperty written = source.getConfigurationProperty(name);
			if (written != null && written.getValue() != null) {
				return this.environment.resolvePlaceholders(String.valueOf(written.getValue()));
			}
		}
		if (bound instanceof Duration duration) {
			return DurationStyle.SIMPLE.print(duration,
					(duration.toMillis() % 1000 == 0) ? ChronoUnit.SECONDS : ChronoUnit.MILLIS);
		}
		return String.valueOf(bound);
	}

}
