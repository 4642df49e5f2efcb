package io.llmfallback.chain;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations a chain makes: one per logical request ({@code llm.fallback {chain}})
 * and a child per provider attempt ({@code chat {model}}) carrying the OpenTelemetry
 * GenAI attributes. With Micrometer Tracing on the class path they become spans; the
 * starter records its meters separately and denies the ones Micrometer would derive from
 * these observations' names.
 */
public enum ChainObservationDocumentation implements ObservationDocumentation {

	/**
	 * A logical request, from its first middleware to its served answer or its failure.
	 */
	REQUEST {

		@Override
		public String getName() {
			return "llm.fallback.request";
		}

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultChainRequestObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { KeyNames.CHAIN, KeyNames.OPERATION, KeyNames.PATH };
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return new KeyName[] { KeyNames.ATTEMPTS };
		}

		@Override
		public Observation.Event[] getEvents() {
			return Events.values();
		}

	},

	/** One provider call, unary or streamed, as a child of its request. */
	ATTEMPT {

		@Override
		public String getName() {
			return "llm.fallback.attempt";
		}

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultChainAttemptObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return new KeyName[] { KeyNames.OPERATION_NAME, KeyNames.PROVIDER_NAME, KeyNames.REQUEST_MODEL,
					KeyNames.CHAIN, KeyNames.PROVIDER, KeyNames.PATH };
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return new KeyName[] { KeyNames.ATTEMPT, KeyNames.REASON, KeyNames.LAST_RESORT, KeyNames.RETRY,
					KeyNames.HEDGE, KeyNames.GIVEN_UP, KeyNames.REQUEST_STREAM, KeyNames.TIME_TO_FIRST_CHUNK,
					KeyNames.USAGE_ESTIMATED, KeyNames.CONTINUATION, KeyNames.REQUEST_MAX_TOKENS,
					KeyNames.REQUEST_TEMPERATURE, KeyNames.RESPONSE_MODEL, KeyNames.INPUT_TOKENS,
					KeyNames.CACHE_READ_INPUT_TOKENS, KeyNames.OUTPUT_TOKENS, KeyNames.FINISH_REASONS,
					KeyNames.ERROR_TYPE, KeyNames.INPUT_MESSAGES, KeyNames.OUTPUT_MESSAGES };
		}

	};

	/**
	 * Every observation here has a name: the span name's prefix and the meters' deny rule
	 * depend on it.
	 */
	@Override
	public abstract String getName();

	/**
	 * The attributes of both observations; which are low cardinality (and so may tag
	 * meters) and which high cardinality (spans only) each observation says.
	 */
	public enum KeyNames implements KeyName {

		/** The chain's name (request and attempt). */
		CHAIN("llm.fallback.chain"),

		/**
		 * The operation the caller named (by default the annotated method's), of the
		 * request.
		 */
		OPERATION("llm.fallback.operation"),

		/**
		 * How the request was served (request), or {@code primary}/{@code fallback}
		 * (attempt).
		 */
		PATH("llm.fallback.path"),

		/** How many attempts the request made. */
		ATTEMPTS("llm.fallback.attempts"),

		/** Always {@code chat}. */
		OPERATION_NAME("gen_ai.operation.name"),

		/**
		 * The OpenTelemetry name of the wire protocol: {@code openai}, {@code anthropic},
		 * {@code gcp.gemini}.
		 */
		PROVIDER_NAME("gen_ai.provider.name"),

		/** The model asked for: the request's own, else the provider's configured one. */
		REQUEST_MODEL("gen_ai.request.model"),

		/** The provider's name in the configuration. */
		PROVIDER("llm.fallback.provider"),

		/** The attempt's place in the request, from 0. */
		ATTEMPT("llm.fallback.attempt"),

		/**
		 * Why the attempt before did not serve: its failure category, or the skip's
		 * label.
		 */
		REASON("llm.fallback.reason"),

		/**
		 * {@code true} on the last-resort attempt of a request that found every breaker
		 * open.
		 */
		LAST_RESORT("llm.fallback.last_resort"),

		/** Which retry of the provider this is, when it is one. */
		RETRY("llm.fallback.retry"),

		/** {@code true} when the attempt started as a hedge. */
		HEDGE("llm.fallback.hedge"),

		/**
		 * {@code cancelled} or {@code hedge-lost} when a call the provider worked on was
		 * given up.
		 */
		GIVEN_UP("llm.fallback.given_up"),

		/** {@code true} on a streamed attempt. */
		REQUEST_STREAM("gen_ai.request.stream"),

		/** Seconds from a streamed attempt's start to its first chunk with text. */
		TIME_TO_FIRST_CHUNK("gen_ai.response.time_to_first_chunk"),

		/** {@code true} when a streamed attempt's usage is an estimate. */
		USAGE_ESTIMATED("llm.fallback.usage_estimated"),

		/**
		 * {@code true} when a streamed attempt continued another provider's interrupted
		 * answer.
		 */
		CONTINUATION("llm.fallback.continuation"),

		/** The request's output token limit, when it has one. */
		REQUEST_MAX_TOKENS("gen_ai.request.max_tokens"),

		/** The request's temperature, when it has one. */
		REQUEST_TEMPERATURE("gen_ai.request.temperature"),

		/** The model that answered. */
		RESPONSE_MODEL("gen_ai.response.model"),

		/** Prompt tokens of the answer. */
		INPUT_TOKENS("gen_ai.usage.input_tokens"),

		/** Prompt tokens read from the provider's cache, when there were any. */
		CACHE_READ_INPUT_TOKENS("gen_ai.usage.cache_read.input_tokens"),

		/** Output tokens of the answer. */
		OUTPUT_TOKENS("gen_ai.usage.output_tokens"),

		/** The answer's finish reason, lower case. */
		FINISH_REASONS("gen_ai.response.finish_reasons"),

		/** The failure category of a failed attempt, or the failure's class name. */
		ERROR_TYPE("error.type"),

		/** The prompt as JSON, only when content capture is on. */
		INPUT_MESSAGES("gen_ai.input.messages"),

		/** The answer as JSON, only when content capture is on. */
		OUTPUT_MESSAGES("gen_ai.output.messages");

		private final String name;

		KeyNames(String name) {
			this.name = name;
		}

		@Override
		public String asString() {
			return this.name;
		}

	}

	/** Events on the request observation. */
	public enum Events implements Observation.Event {

		/** A provider was skipped because its breaker is open. */
		SHORT_CIRCUIT("llm.fallback.short_circuit"),

		/** An answer broke the chain's output contract. */
		CONTRACT_VIOLATION("llm.fallback.contract_violation");

		private final String name;

		Events(String name) {
			this.name = name;
		}

		@Override
		public String getName() {
			return this.name;
		}

	}

}
