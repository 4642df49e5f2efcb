package io.llmfallback.aop.internal;

import java.util.List;

import io.llmfallback.aop.LlmFallback;
import io.llmfallback.autoconfigure.LlmFallbackAspectAutoConfiguration;
import io.llmfallback.autoconfigure.LlmFallbackAutoConfiguration;
import io.llmfallback.chain.ChainExhaustedException;
import io.llmfallback.chain.ChainFailureException;
import io.llmfallback.chain.ChainResponse;
import io.llmfallback.chain.LlmClient;
import io.llmfallback.model.ChatChunk;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.test.Fault;
import io.llmfallback.test.SimulatedProviderExtension;
import io.llmfallback.test.WireProtocol;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.aop.framework.autoproxy.AbstractAutoProxyCreator;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@code @LlmFallback} in a real context, over real HTTP to simulated providers: one
 * healthy, one down, one answering JSON without the ticket's priority, one a complete
 * ticket.
 */
@ExtendWith(OutputCaptureExtension.class)
class LlmFallbackAspectTests {

	@RegisterExtension
	static final SimulatedProviderExtension providers = new SimulatedProviderExtension()
		.provider("up", WireProtocol.OPENAI)
		.provider("down", WireProtocol.OPENAI)
		.provider("shapeless", WireProtocol.OPENAI)
		.provider("ticketing", WireProtocol.OPENAI);

	private ApplicationContextRunner withoutAutoProxying;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void start() {
		providers.get("shapeless").answerWith("{\"title\":\"Login fails\"}");
		providers.get("ticketing").answerWith("{\"title\":\"Login fails\",\"priority\":2}");
		providers.get("up").answerWith("answer");
		providers.get("down").inject(Fault.ofStatus(503));
		this.withoutAutoProxying = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(WebClientAutoConfiguration.class,
					LlmFallbackAutoConfiguration.class, LlmFallbackAspectAutoConfiguration.class))
			.withUserConfiguration(ServiceConfiguration.class)
			.withPropertyValues(providers.all()
				.stream()
				.map((provider) -> "llm.fallback.providers." + provider.name() + ".base-url=" + provider.baseUrl())
				.toArray(String[]::new))
			.withPropertyValues("llm.fallback.providers.up.type=openai", "llm.fallback.providers.up.model=gpt-4o",
					"llm.fallback.providers.down.type=openai", "llm.fallback.providers.down.model=gpt-4o",
					"llm.fallback.providers.shapeless.type=openai", "llm.fallback.providers.shapeless.model=gpt-4o",
					"llm.fallback.providers.ticketing.type=openai", "llm.fallback.providers.ticketing.model=gpt-4o",
					"llm.fallback.chains.alpha.providers=up", "llm.fallback.chains.broken.providers=down",
					"llm.fallback.chains.tickets.providers=shapeless,ticketing",
					"llm.fallback.chains.shapeless.providers=shapeless",
					"llm.fallback.chains.streaming.providers=down,up");
		// As in an application: Boot's AOP auto-configuration registers an auto-proxy
		// creator.
		this.contextRunner = this.withoutAutoProxying
			.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class));
	}

	@Test
	void monoMethodIsBoundToItsChainUnderTheMethodName() {
		this.contextRunner.run((context) -> {
			ChainResponse response = context.getBean(AnnotatedService.class).summarize("text").block();
			assertThat(response.chain()).isEqualTo("alpha");
			assertThat(response.operation()).isEqualTo("summarize");
			assertThat(response.text()).isEqualTo("answer");
		});
	}

	@Test
	void fluxMethodIsBound() {
		this.contextRunner
			.run((context) -> assertThat(context.getBean(AnnotatedService.class).words("text").collectList().block())
				.containsExactly("alpha", "words", "answer"));
	}

	@Test
	void streamingFluxMethodIsBoundAndFallsOverBeforeItsFirstChunk() {
		// Streamed in chunks of three words, then the finish; the broken chain's primary
		// answers 503 before any event.
		providers.get("up").answerWith("Hello there, how are you?");
		this.contextRunner.run((context) -> {
			AnnotatedService service = context.getBean(AnnotatedService.class);
			assertThat(service.streamed("text").collectList().block()).containsExactly("Hello there, how", " are you?",
					"");
			assertThat(service.streamedThroughABrokenPrimary("text").collectList().block())
				.containsExactly("Hello there, how", " are you?", "");
		});
	}

	@Test
	void blockingMethodIsBound() {
		this.contextRunner.run((context) -> {
			ChainResponse response = context.getBean(AnnotatedService.class).translate("text");
			assertThat(response.chain()).isEqualTo("alpha");
			assertThat(response.operation()).isEqualTo("translation");
		});
	}

	@Test
	void aReactiveMethodBindsOnlyThePipelineItReturns() {
		this.contextRunner.run((context) -> {
			AnnotatedService service = context.getBean(AnnotatedService.class);
			assertThat(service.handsOff("hi").block()).isEqualTo("hi");
			// Subscribed outside the method's pipeline: no Reactor context, and no
			// binding left behind on the thread that assembled it.
			assertThatIllegalStateException().isThrownBy(() -> service.handedOff().block())
				.withMessageContaining("No LLM fallback chain is bound");
			assertThat(providers.get("up").requests()).isZero();
		});
	}

	@Test
	void chainCanComeFromAParameter() {
		this.contextRunner.run((context) -> {
			AnnotatedService service = context.getBean(AnnotatedService.class);
			assertThat(service.chat("alpha", "hi").block().chain()).isEqualTo("alpha");
			assertThatExceptionOfType(ChainExhaustedException.class)
				.isThrownBy(() -> service.chat("broken", "hi").block());
		});
	}

	@Test
	void fallbackMethodServesMonoFluxAndBlockingMethodsOnExhaustion() {
		this.contextRunner.run((context) -> {
			AnnotatedService service = context.getBean(AnnotatedService.class);
			assertThat(service.monoWithFallback("x").block()).isEqualTo("degraded x after 1 attempts");
			assertThat(service.fluxWithFallback("x").collectList().block()).containsExactly("degraded", "x");
			assertThat(service.blockingWithFallback("x")).isEqualTo("static degradation for x");
		});
	}

	@Test
	void withoutFallbackMethodTheTypedErrorReachesTheCaller() {
		this.contextRunner.run((context) -> assertThatExceptionOfType(ChainExhaustedException.class)
			.isThrownBy(() -> context.getBean(AnnotatedService.class).blockingWithoutFallback("x"))
			.satisfies((ex) -> assertThat(ex.getOperation()).isEqualTo("blockingWithoutFallback")));
	}

	@Test
	void typedMethodsGetTheAnswerMappedOntoTheirRecordFromTheFirstProviderWhoseAnswerMaps() {
		this.contextRunner.run((context) -> {
			AnnotatedService service = context.getBean(AnnotatedService.class);
			assertThat(service.ticket("Login fails").block()).isEqualTo(new Ticket("Login fails", 2));
			assertThat(service.blockingTicket("Login fails")).isEqualTo(new Ticket("Login fails", 2));
			assertThat(providers.get("shapeless").requests()).isEqualTo(2);
		});
	}

	@Test
	void anAnswerThatMapsNowhereReachesTheFallbackMethodAsAContractViolationNotAnException() {
		this.contextRunner.run((context) -> {
			AnnotatedService service = context.getBean(AnnotatedService.class);
			assertThat(service.degradedTicket("Login fails"))
				.isEqualTo(new Ticket("unreadable: contract-violation", 0));
			assertThatExceptionOfType(ChainExhaustedException.class)
				.isThrownBy(() -> service.ticketWithoutFallback("Login fails").block())
				.satisfies((ex) -> assertThat(ex.getAttempts()).singleElement()
					.satisfies((attempt) -> assertThat(attempt.contract().violations())
						.containsExactly("Ticket.priority is missing from the output")));
		});
	}

	@Test
	void misusedAnnotationsFailStartUpNamingEveryMethod() {
		this.contextRunner.withUserConfiguration(MisconfiguredConfiguration.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasMessageContaining("Invalid @LlmFallback usage")
				.hasMessageContaining("MisconfiguredService.unknownChain: no chain named 'nope'")
				.hasMessageContaining("fallbackMethod 'doesNotExist'")
				.hasMessageContaining("doesNotExist(String[, Throwable]) returning String")
				.hasMessageContaining(
						"MisconfiguredService.missingParameter: chain \"#tenant\" names no String parameter 'tenant'");
		});
	}

	@Test
	void bindsWithSpringAopAloneWithoutAspectJOrAnAutoProxyCreator() {
		assertThat(ClassUtils.isPresent("org.aspectj.weaver.Advice", null)).isFalse();
		this.withoutAutoProxying.run((context) -> {
			assertThat(context).doesNotHaveBean(AbstractAutoProxyCreator.class);
			ChainResponse response = context.getBean(AnnotatedService.class).summarize("text").block();
			assertThat(response.chain()).isEqualTo("alpha");
			assertThat(response.operation()).isEqualTo("summarize");
		});
	}

	@Test
	void interfaceProxyBindsTheAnnotationOfTheImplementation() {
		this.contextRunner.withPropertyValues("spring.aop.proxy-target-class=false")
			.withUserConfiguration(InterfaceConfiguration.class)
			.run((context) -> {
				Summarizer summarizer = context.getBean(Summarizer.class);
				assertThat(AopUtils.isJdkDynamicProxy(summarizer)).isTrue();
				ChainResponse response = summarizer.summarize("text");
				assertThat(response.chain()).isEqualTo("alpha");
				assertThat(response.operation()).isEqualTo("summary");
			});
	}

	@Test
	void proxyingLogsNothing(CapturedOutput output) {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(AnnotatedService.class).translate("text").chain()).isEqualTo("alpha");
		});
		assertThat(output).doesNotContain("not eligible for getting processed").doesNotContain("WARN");
	}

	@Test
	void clientOutsideAnAnnotatedMethodSaysHowToBindAChain() {
		this.contextRunner.run((context) -> assertThatIllegalStateException()
			.isThrownBy(() -> context.getBean(LlmClient.class).call(ChatRequest.ofUser("hi")))
			.withMessageContaining("@LlmFallback"));
	}

	@Configuration(proxyBeanMethods = false)
	static class ServiceConfiguration {

		@Bean
		AnnotatedService annotatedService(LlmClient client) {
			return new AnnotatedService(client);
		}

	}

	static class AnnotatedService {

		private final LlmClient client;

		AnnotatedService(LlmClient client) {
			this.client = client;
		}

		@LlmFallback(chain = "alpha")
		Mono<ChainResponse> summarize(String text) {
			return this.client.chat(ChatRequest.ofUser("Summarize: " + text));
		}

		@LlmFallback(chain = "alpha")
		Flux<String> words(String text) {
			// Deferred: the binding must come from the Reactor context, not the calling
			// thread.
			return Flux.defer(() -> this.client.chat(ChatRequest.ofUser(text)))
				.flatMapIterable((response) -> List.of(response.chain(), response.operation(), response.text()));
		}

		@LlmFallback(chain = "alpha")
		Flux<String> streamed(String text) {
			return this.client.stream(ChatRequest.ofUser(text)).map(ChatChunk::text);
		}

		@LlmFallback(chain = "streaming")
		Flux<String> streamedThroughABrokenPrimary(String text) {
			return this.client.stream(ChatRequest.ofUser(text)).map(ChatChunk::text);
		}

		/**
		 * Assembled by a reactive method that hands it elsewhere instead of returning it.
		 */
		private Mono<ChainResponse> handedOff = Mono.empty();

		@LlmFallback(chain = "alpha")
		Mono<String> handsOff(String text) {
			this.handedOff = this.client.chat(ChatRequest.ofUser(text));
			return Mono.just(text);
		}

		Mono<ChainResponse> handedOff() {
			return this.handedOff;
		}

		@LlmFallback(chain = "alpha", operation = "translation")
		ChainResponse translate(String text) {
			return this.client.call(ChatRequest.ofUser("Translate: " + text));
		}

		@LlmFallback(chain = "#chain")
		Mono<ChainResponse> chat(String chain, String prompt) {
			return this.client.chat(ChatRequest.ofUser(prompt));
		}

		@LlmFallback(chain = "broken", fallbackMethod = "monoDegraded")
		Mono<String> monoWithFallback(String text) {
			return this.client.chat(ChatRequest.ofUser(text)).map(ChainResponse::text);
		}

		Mono<String> monoDegraded(String text, ChainFailureException failure) {
			return Mono.just("degraded " + text + " after " + failure.getAttempts().size() + " attempts");
		}

		@LlmFallback(chain = "broken", fallbackMethod = "fluxDegraded")
		Flux<String> fluxWithFallback(String text) {
			return this.client.chat(ChatRequest.ofUser(text)).flatMapMany((response) -> Flux.just(response.text()));
		}

		Flux<String> fluxDegraded(String text) {
			return Flux.just("degraded", text);
		}

		@LlmFallback(chain = "broken", fallbackMethod = "blockingDegraded")
		String blockingWithFallback(String text) {
			return this.client.call(ChatRequest.ofUser(text)).text();
		}

		String blockingDegraded(String text, Throwable failure) {
			return "static degradation for " + text;
		}

		@LlmFallback(chain = "broken")
		String blockingWithoutFallback(String text) {
			return this.client.call(ChatRequest.ofUser(text)).text();
		}

		@LlmFallback(chain = "tickets")
		Mono<Ticket> ticket(String text) {
			return this.client.chat(ChatRequest.ofUser(text), Ticket.class);
		}

		@LlmFallback(chain = "tickets")
		Ticket blockingTicket(String text) {
			return this.client.call(ChatRequest.ofUser(text), Ticket.class);
		}

		@LlmFallback(chain = "shapeless", fallbackMethod = "unreadable")
		Ticket degradedTicket(String text) {
			return this.client.call(ChatRequest.ofUser(text), Ticket.class);
		}

		Ticket unreadable(String text, ChainFailureException failure) {
			return new Ticket("unreadable: " + failure.getAttempts().get(0).label(), 0);
		}

		@LlmFallback(chain = "shapeless")
		Mono<Ticket> ticketWithoutFallback(String text) {
			return this.client.chat(ChatRequest.ofUser(text), Ticket.class);
		}

	}

	interface Summarizer {

		ChainResponse summarize(String text);

	}

	static class InterfaceSummarizer implements Summarizer {

		private final LlmClient client;

		InterfaceSummarizer(LlmClient client) {
			this.client = client;
		}

		@Override
		@LlmFallback(chain = "alpha", operation = "summary")
		public ChainResponse summarize(String text) {
			return this.client.call(ChatRequest.ofUser("Summarize: " + text));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class InterfaceConfiguration {

		@Bean
		Summarizer summarizer(LlmClient client) {
			return new InterfaceSummarizer(client);
		}

	}

	record Ticket(String title, int priority) {
	}

	@Configuration(proxyBeanMethods = false)
	static class MisconfiguredConfiguration {

		@Bean
		MisconfiguredService misconfiguredService() {
			return new MisconfiguredService();
		}

	}

	static class MisconfiguredService {

		@LlmFallback(chain = "nope")
		String unknownChain(String text) {
			return text;
		}

		@LlmFallback(chain = "broken", fallbackMethod = "doesNotExist")
		String misconfigured(String text) {
			return text;
		}

		@LlmFallback(chain = "#tenant")
		String missingParameter(String chain, String text) {
			return text;
		}

	}

}
