package io.llmfallback.provider.internal;

import java.time.Duration;

import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.provider.LlmProvider;
import io.llmfallback.provider.ProviderCapabilities;
import io.llmfallback.provider.ProviderType;
import reactor.core.publisher.Mono;

/**
 * A provider that rewrites every request with its {@link RequestAdaptation} before
 * sending it.
 */
final class AdaptingProvider implements LlmProvider {

	private final LlmProvider delegate;

	private final RequestAdaptation adaptation;

	AdaptingProvider(LlmProvider delegate, RequestAdaptation adaptation) {
		this.delegate = delegate;
		this.adaptation = adaptation;
	}

	@Override
	public String name() {
		return this.delegate.name();
	}

	@Override
	public ProviderType type() {
		return this.delegate.type();
	}

	@Override
	public String model() {
		return this.delegate.model();
	}

	@Override
	public int maxTokens() {
		return this.delegate.maxTokens();
	}

	@Override
	public Duration timeout() {
		return this.delegate.timeout();
	}

	@Override
	public ProviderCapabilities capabilities() {
		return this.delegate.capabilities();
	}

	@Override
	public Mono<ChatResponse> chat(ChatRequest request) {
		return Mono.defer(() -> this.delegate.chat(this.adaptation.apply(request)));
	}

}
