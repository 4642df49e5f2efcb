package io.llmfallback.provider.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.llmfallback.model.ToolCall;
import io.llmfallback.provider.ProviderException;
import org.jspecify.annotations.Nullable;

/**
 * The tool calls of one answer, put together from what a provider sends: whole (Gemini)
 * or as a start naming the tool followed by fragments of its JSON arguments (OpenAI's
 * {@code tool_calls[].function.arguments} deltas, Anthropic's {@code input_json_delta}).
 * Calls are keyed by the index the provider gives them and come out in that order. The
 * number of calls is bounded; the arguments' size is bounded by the stream's own cap.
 */
final class ToolCallAssembler {

	/**
	 * More calls than any model makes in one answer; beyond it the answer is malformed.
	 */
	static final int MAX_CALLS = 128;

	private final String provider;

	private final TreeMap<Integer, Call> calls = new TreeMap<>();

	ToolCallAssembler(String provider) {
		this.provider = provider;
	}

	/**
	 * A call starts: its id and tool's name. A start for an index already begun adds
	 * nothing but what the first left empty (OpenAI repeats neither, but a gateway may).
	 */
	void begin(int index, @Nullable String id, @Nullable String name) {
		Call call = call(index);
		if (call.id == null && id != null && !id.isEmpty()) {
			call.id = id;
		}
		if (call.name == null && name != null && !name.isEmpty()) {
			call.name = name;
		}
	}

	/** A fragment of a call's JSON arguments, appended in the order it came. */
	void appendArguments(int index, String fragment) {
		call(index).arguments.append(fragment);
	}

	/** A whole call, as a provider that does not stream arguments sends it. */
	void add(@Nullable String id, String name, String arguments) {
		int index = this.calls.isEmpty() ? 0 : this.calls.lastKey() + 1;
		begin(index, id, name);
		appendArguments(index, arguments);
	}

	boolean isEmpty() {
		return this.calls.isEmpty();
	}

	/**
	 * The calls, in index order. A call without a tool name is malformed; one without an
	 * id gets {@code call_<index>} (Gemini names none, and results are matched to calls
	 * by id in the library's model); empty arguments are read as {@code {}}.
	 */
	List<ToolCall> calls() {
		List<ToolCall> assembled = new ArrayList<>(this.calls.size());
		for (Map.Entry<Integer, Call> entry : this.calls.entrySet()) {
			Call call = entry.getValue();
			if (call.name == null) {
				throw ProviderException.invalidResponse(this.provider,
						"tool call " + entry.getKey() + " names no tool");
			}
			String id = (call.id != null) ? call.id : "call_" + entry.getKey();
			String arguments = call.arguments.toString().isBlank() ? "{}" : call.arguments.toString();
			assembled.add(new ToolCall(id, call.name, arguments));
		}
		return assembled;
	}

	private Call call(int index) {
		if (index < 0) {
			throw ProviderException.invalidResponse(this.provider, "tool call index " + index + " is negative");
		}
		Call call = this.calls.get(index);
		if (call == null) {
			if (this.calls.size() >= MAX_CALLS) {
				throw ProviderException.invalidResponse(this.provider,
						"more than " + MAX_CALLS + " tool calls in one answer");
			}
			call = new Call();
			this.calls.put(index, call);
		}
		return call;
	}

	private static final class Call {

		private @Nullable String id;

		private @Nullable String name;

		private final StringBuilder arguments = new StringBuilder();

	}

}
