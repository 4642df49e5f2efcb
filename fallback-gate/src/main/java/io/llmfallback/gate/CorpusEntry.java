package io.llmfallback.gate;

import java.util.Objects;

import com.networknt.schema.Schema;
import io.llmfallback.contract.OutputContract;
import io.llmfallback.model.ChatRequest;
import org.jspecify.annotations.Nullable;

/**
 * One request of a corpus.
 *
 * @param id the line's {@code id}, or {@code line-N} when it has none
 * @param line the 1-based line of the source it was read from, or 0 when built in code
 * @param request what is sent to every provider (a fallback gets it as a chain would send
 * it: its own model, and the chain's {@code fallback-max-tokens} cap when the gate has
 * one)
 * @param schema the JSON Schema the answer is expected to satisfy, or {@code null} to use
 * the gate's chain-level contract schema, if any
 */
public record CorpusEntry(String id, int line, ChatRequest request, @Nullable Schema schema) {

	public CorpusEntry {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(request, "request");
		if (id.isBlank()) {
			throw new IllegalArgumentException("A corpus entry needs a non-blank id");
		}
	}

	/** An entry built in code, without a schema of its own. */
	public static CorpusEntry of(String id, ChatRequest request) {
		return new CorpusEntry(id, 0, request, null);
	}

	/**
	 * This entry with a JSON Schema (draft 2020-12) its answers are expected to satisfy.
	 */
	public CorpusEntry withSchema(String schemaJson) {
		return new CorpusEntry(this.id, this.line, this.request, OutputContract.parseSchema(schemaJson));
	}

}
