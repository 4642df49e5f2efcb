package io.llmfallback.benchmarks.outage;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The simulated providers' bodies, shaped as the real APIs answer: OpenAI chat
 * completions (success, 503, 429) and Anthropic messages (success). Every answer reports
 * {@link ProviderRole#USAGE}.
 */
final class WireFormats {

	private static final String TEXT = "An outage of the primary should cost its callers no more than the fallback's "
			+ "own latency: the breaker opens on calls in flight, and waiting attempts move on at once.";

	private static final AtomicLong IDS = new AtomicLong();

	private WireFormats() {
	}

	static String openAiCompletion(String model) {
		long input = ProviderRole.USAGE.inputTokens();
		long output = ProviderRole.USAGE.outputTokens();
		return """
				{"id":"chatcmpl-sim%d","object":"chat.completion","created":%d,"model":"%s",\
				"choices":[{"index":0,"message":{"role":"assistant","content":"%s","refusal":null,"annotations":[]},\
				"logprobs":null,"finish_reason":"stop"}],\
				"usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d,\
				"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},\
				"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,\
				"rejected_prediction_tokens":0}},"service_tier":"default","system_fingerprint":"fp_sim"}""".formatted(
				IDS.incrementAndGet(), Instant.now().getEpochSecond(), model, TEXT, input, output, input + output);
	}

	/** What OpenAI answers with a 503. */
	static String openAiOverloaded() {
		return """
				{"error":{"message":"The server is overloaded or not ready yet.","type":"server_error",\
				"param":null,"code":null}}""";
	}

	/**
	 * What OpenAI answers with a 429 for a requests-per-minute limit; the wait is also in
	 * the headers.
	 */
	static String openAiRateLimited(String model, Duration retryAfter) {
		return """
				{"error":{"message":"Rate limit reached for %s in organization org-sim on requests per min (RPM): \
				Limit 500, Used 500, Requested 1. Please try again in %ds. Visit \
				https://platform.openai.com/account/rate-limits to learn more.","type":"requests","param":null,\
				"code":"rate_limit_exceeded"}}""".formatted(model, retryAfter.toSeconds());
	}

	static String anthropicMessage(String model) {
		return """
				{"id":"msg_sim%d","type":"message","role":"assistant","model":"%s",\
				"content":[{"type":"text","text":"%s"}],"stop_reason":"end_turn","stop_sequence":null,\
				"usage":{"input_tokens":%d,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,\
				"output_tokens":%d,"service_tier":"standard"}}""".formatted(IDS.incrementAndGet(), model, TEXT,
				ProviderRole.USAGE.inputTokens(), ProviderRole.USAGE.outputTokens());
	}

}
