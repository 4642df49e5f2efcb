package io.llmfallback.chain;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.TokenUsage;
import io.llmfallback.provider.ProviderException;
import io.llmfallback.support.ScriptedProvider;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.common.docs.KeyName;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * The span names and attributes of the default conventions, and their agreement with the
 * documentation. Key values come sorted by key, so the attributes are compared as sets.
 */
class DefaultChainObservationConventionTests {

	private final ChainRequestObservationConvention requestConvention = new DefaultChainRequestObservationConvention();

	private final ChainAttemptObservationConvention attemptConvention = new DefaultChainAttemptObservationConvention();

	@Test
	void requestIsNamedAfterItsChainAndCarriesItsOutcome() {
		ChainRequestObservationContext context = new ChainRequestObservationContext("summarize", "digest");
		context.ended(ServedPath.FALLBACK, 2);

		assertThat(this.requestConvention.getName()).isEqualTo("llm.fallback.request");
		assertThat(this.requestConvention.getContextualName(context)).isEqualTo("llm.fallback summarize");
		assertThat(map(this.requestConvention.getLowCardinalityKeyValues(context))).containsOnly(
				entry("llm.fallback.chain", "summarize"), entry("llm.fallback.operation", "digest"),
				entry("llm.fallback.path", "fallback"));
		assertThat(map(this.requestConvention.getHighCardinalityKeyValues(context)))
			.containsOnly(entry("llm.fallback.attempts", "2"));
	}

	@Test
	void primaryAttemptCarriesTheGenAiAttributesOfItsAnswer() {
		ChainAttemptObservationContext context = attempt(0, ChatRequest.ofUser("Say \"hi\"\n").withMaxTokens(64), null,
				false);
		context.succeeded(new ChatResponse("Hi.", "STOP", new TokenUsage(12, 5, 4), "gpt", "gpt-4o-2024-08-06",
				Duration.ofMillis(300)));

		assertThat(this.attemptConvention.getName()).isEqualTo("llm.fallback.attempt");
		assertThat(this.attemptConvention.getContextualName(context)).isEqualTo("chat model-gpt");
		assertThat(map(this.attemptConvention.getLowCardinalityKeyValues(context))).containsOnly(
				entry("gen_ai.operation.name", "chat"), entry("gen_ai.provider.name", "openai"),
				entry("gen_ai.request.model", "model-gpt"), entry("llm.fallback.chain", "summarize"),
				entry("llm.fallback.provider", "gpt"), entry("llm.fallback.path", "primary"));
		assertThat(map(this.attemptConvention.getHighCardinalityKeyValues(context))).containsOnly(
				entry("llm.fallback.attempt", "0"), entry("gen_ai.request.max_tokens", "64"),
				entry("gen_ai.response.model", "gpt-4o-2024-08-06"), entry("gen_ai.usage.input_tokens", "12"),
				entry("gen_ai.usage.cache_read.input_tokens", "4"), entry("gen_ai.usage.output_tokens", "5"),
				entry("gen_ai.response.finish_reasons", "stop"));
	}

	@Test
	void capturedContentIsQuotedJson() {
		ChainAttemptObservationContext context = attempt(0, ChatRequest.ofUser("Say \"hi\"\n\u0001"), null, true);
		context.succeeded(new ChatResponse("a\\b", "stop", new TokenUsage(1, 1), "gpt", "gpt-4o", Duration.ZERO));

		assertThat(map(this.attemptConvention.getHighCardinalityKeyValues(context))).contains(
				entry("gen_ai.input.messages", "[{\"role\":\"user\",\"content\":\"Say \\\"hi\\\"\\n\\u0001\"}]"),
				entry("gen_ai.output.messages", "[{\"role\":\"assistant\",\"content\":\"a\\\\b\"}]"));
	}

	@Test
	void fallbackAttemptSaysWhyAndHowItEnded() {
		ChainAttemptObservationContext context = attempt(1, ChatRequest.ofUser("hi"), "rate-limited", false);
		context.givenUp("hedge-lost");
		context.failed(new ProviderException("claude", FailureCategory.OVERLOADED, 529, null, "overloaded", null));

		assertThat(map(this.attemptConvention.getLowCardinalityKeyValues(context)))
			.contains(entry("llm.fallback.path", "fallback"));
		assertThat(map(this.attemptConvention.getHighCardinalityKeyValues(context))).containsOnly(
				entry("llm.fallback.attempt", "1"), entry("llm.fallback.reason", "rate-limited"),
				entry("llm.fallback.given_up", "hedge-lost"), entry("error.type", "overloaded"));
	}

	@Test
	void streamedAttemptCarriesItsFirstChunkTimeAndHowItsUsageWasCounted() {
		ChainAttemptObservationContext context = attempt(1, ChatRequest.ofUser("hi"), "stream-truncated", false);
		context.streamed(new StreamStats(Duration.ofNanos(250_500_000L), new long[0], true, true));

		assertThat(map(this.attemptConvention.getHighCardinalityKeyValues(context))).containsOnly(
				entry("llm.fallback.attempt", "1"), entry("llm.fallback.reason", "stream-truncated"),
				entry("gen_ai.request.stream", "true"), entry("gen_ai.response.time_to_first_chunk", "0.2505"),
				entry("llm.fallback.usage_estimated", "true"), entry("llm.fallback.continuation", "true"));
	}

	@Test
	void documentationListsEveryKeyTheDefaultConventionsSet() {
		ChainRequestObservationContext request = new ChainRequestObservationContext("summarize", "chat");
		assertThat(keys(this.requestConvention.getLowCardinalityKeyValues(request)))
			.containsExactlyInAnyOrder(names(ChainObservationDocumentation.REQUEST.getLowCardinalityKeyNames()));
		assertThat(keys(this.requestConvention.getHighCardinalityKeyValues(request)))
			.containsExactlyInAnyOrder(names(ChainObservationDocumentation.REQUEST.getHighCardinalityKeyNames()));
		ChainAttemptObservationContext attempt = attempt(0, ChatRequest.ofUser("hi"), null, false);
		assertThat(keys(this.attemptConvention.getLowCardinalityKeyValues(attempt)))
			.containsExactlyInAnyOrder(names(ChainObservationDocumentation.ATTEMPT.getLowCardinalityKeyNames()));
		assertThat(names(ChainObservationDocumentation.ATTEMPT.getHighCardinalityKeyNames())).contains(
				"gen_ai.request.stream", "gen_ai.response.time_to_first_chunk", "llm.fallback.usage_estimated",
				"llm.fallback.continuation");
		assertThat(ChainObservationDocumentation.REQUEST.getEvents()).extracting((event) -> event.getName())
			.containsExactly("llm.fallback.short_circuit", "llm.fallback.contract_violation");
	}

	private static ChainAttemptObservationContext attempt(int index, ChatRequest request, @Nullable String reason,
			boolean captureContent) {
		return new ChainAttemptObservationContext("summarize", ScriptedProvider.answering("gpt", "unused"), index,
				request, reason, false, 0, false, captureContent);
	}

	private static Map<String, String> map(KeyValues values) {
		return values.stream().collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
	}

	private static String[] keys(KeyValues values) {
		return values.stream().map(KeyValue::getKey).toArray(String[]::new);
	}

	private static String[] names(KeyName[] names) {
		return Arrays.stream(names).map(KeyName::asString).toArray(String[]::new);
	}

}
