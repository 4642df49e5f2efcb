package io.llmfallback.autoconfigure;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import io.llmfallback.autoconfigure.InvalidLlmFallbackConfigurationException.Problem;
import io.llmfallback.chain.FallbackChains;
import io.llmfallback.openaiapi.internal.OpenAiApiHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The opt-in OpenAI-compatible endpoint over the chains
 * ({@code llm.fallback.openai-api.enabled}), in a reactive web application. Open to
 * whoever reaches it unless {@code api-keys} are set, which start-up says once.
 */
@AutoConfiguration(after = LlmFallbackAutoConfiguration.class)
@ConditionalOnWebApplication(type = Type.REACTIVE)
@ConditionalOnBooleanProperty("llm.fallback.openai-api.enabled")
@ConditionalOnBean(FallbackChains.class)
@EnableConfigurationProperties(LlmFallbackOpenAiApiProperties.class)
public final class LlmFallbackOpenAiApiAutoConfiguration {

	private static final String PREFIX = "llm.fallback.openai-api.";

	private static final Log logger = LogFactory.getLog(LlmFallbackOpenAiApiAutoConfiguration.class);

	// Segments of letters, digits, '-', '_' and '.': a path pattern's wildcards or
	// variables would serve the endpoint under paths nobody meant.
	private static final Pattern BASE_PATH = Pattern.compile("(/[A-Za-z0-9._-]+)+");

	@Bean
	RouterFunction<ServerResponse> llmFallbackOpenAiApiRoutes(FallbackChains chains,
			LlmFallbackOpenAiApiProperties properties, ObjectProvider<Clock> clock) {
		String basePath = properties.getBasePath();
		long maxRequestBytes = properties.getMaxRequestSize().toBytes();
		List<Problem> problems = new ArrayList<>();
		if (!BASE_PATH.matcher(basePath).matches()) {
			problems.add(new Problem(PREFIX + "base-path",
					"must be a path such as /v1 (segments of letters, digits, '.', '_' and '-'), was '" + basePath
							+ "'"));
		}
		if (maxRequestBytes <= 0 || maxRequestBytes > Integer.MAX_VALUE) {
			problems.add(new Problem(PREFIX + "max-request-size",
					"must be more than 0B and less than 2GB, was " + properties.getMaxRequestSize()));
		}
		List<String> keys = properties.getApiKeys();
		for (int i = 0; i < keys.size(); i++) {
			// A blank key would let in a caller sending "Bearer " with nothing after it.
			if (keys.get(i) == null || keys.get(i).isBlank()) {
				problems.add(new Problem(PREFIX + "api-keys[" + i + "]", "must not be blank"));
			}
		}
		if (!problems.isEmpty()) {
			throw new InvalidLlmFallbackConfigurationException(problems);
		}
		if (keys.isEmpty()) {
			logger.warn("The OpenAI-compatible endpoint at " + basePath + " is open to whoever can reach it, and "
					+ "spends the providers' money on their requests: set llm.fallback.openai-api.api-keys");
		}
		return new OpenAiApiHandler(chains, keys, (int) maxRequestBytes, clock.getIfUnique(Clock::systemUTC))
			.routes(basePath);
	}

}
