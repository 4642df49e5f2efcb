package io.llmfallback.provider.internal;

import io.llmfallback.model.FailureCategory;
import io.llmfallback.model.ToolCall;
import io.llmfallback.provider.ProviderException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ToolCallAssemblerTest {

	private final ToolCallAssembler assembler = new ToolCallAssembler("gpt");

	@Test
	void callsComeOutInIndexOrderWhateverOrderTheyStarted() {
		this.assembler.begin(2, "call_c", "third");
		this.assembler.begin(0, "call_a", "first");
		this.assembler.begin(1, "call_b", "second");

		assertThat(this.assembler.calls()).extracting(ToolCall::name).containsExactly("first", "second", "third");
	}

	@Test
	void fragmentsOfInterleavedCallsJoinPerIndexInTheOrderTheyCame() {
		this.assembler.begin(0, "call_a", "get_incident");
		this.assembler.appendArguments(0, "{\"id\"");
		this.assembler.begin(1, "call_b", "get_runbook");
		this.assembler.appendArguments(1, "{\"service\":");
		this.assembler.appendArguments(0, ":\"INC-42\"}");
		this.assembler.appendArguments(1, "\"payments\"}");

		assertThat(this.assembler.calls()).containsExactly(
				new ToolCall("call_a", "get_incident", "{\"id\":\"INC-42\"}"),
				new ToolCall("call_b", "get_runbook", "{\"service\":\"payments\"}"));
	}

	@Test
	void aRepeatedStartFillsOnlyWhatTheFirstLeftEmpty() {
		this.assembler.begin(0, "", null);
		this.assembler.begin(0, "call_a", "get_incident");
		this.assembler.begin(0, "call_other", "other_tool");

		assertThat(this.assembler.calls()).containsExactly(new ToolCall("call_a", "get_incident", "{}"));
	}

	@Test
	void wholeCallsFollowEachOther() {
		this.assembler.add("call_a", "get_incident", "{\"id\":\"INC-42\"}");
		this.assembler.add(null, "get_runbook", "{}");

		assertThat(this.assembler.calls()).containsExactly(
				new ToolCall("call_a", "get_incident", "{\"id\":\"INC-42\"}"),
				new ToolCall("call_1", "get_runbook", "{}"));
	}

	@Test
	void aCallWithoutIdIsNamedByItsIndexAndBlankArgumentsAreAnEmptyObject() {
		this.assembler.begin(3, null, "get_incident");
		this.assembler.appendArguments(3, "  ");

		assertThat(this.assembler.calls()).containsExactly(new ToolCall("call_3", "get_incident", "{}"));
	}

	@Test
	void aCallWithoutNameIsAnInvalidResponse() {
		this.assembler.begin(0, "call_a", "get_incident");
		this.assembler.appendArguments(1, "{}");

		assertThatExceptionOfType(ProviderException.class).isThrownBy(this.assembler::calls).satisfies((ex) -> {
			assertThat(ex.getCategory()).isEqualTo(FailureCategory.INVALID_RESPONSE);
			assertThat(ex.getMessage()).contains("tool call 1 names no tool");
		});
	}

	@Test
	void aNegativeIndexIsAnInvalidResponse() {
		assertThatExceptionOfType(ProviderException.class).isThrownBy(() -> this.assembler.begin(-1, "call_a", "f"))
			.satisfies((ex) -> assertThat(ex.getCategory()).isEqualTo(FailureCategory.INVALID_RESPONSE));
	}

	@Test
	void callsAreBoundedInNumber() {
		for (int i = 0; i < ToolCallAssembler.MAX_CALLS; i++) {
			this.assembler.begin(i * 1000, "call_" + i, "f");
		}
		// More fragments for a call already begun are no new call.
		this.assembler.appendArguments(0, "{}");

		assertThatExceptionOfType(ProviderException.class)
			.isThrownBy(() -> this.assembler.begin(Integer.MAX_VALUE, "call_x", "f"))
			.satisfies((ex) -> {
				assertThat(ex.getCategory()).isEqualTo(FailureCategory.INVALID_RESPONSE);
				assertThat(ex.getMessage()).contains("more than " + ToolCallAssembler.MAX_CALLS + " tool calls");
			});
		assertThat(this.assembler.calls()).hasSize(ToolCallAssembler.MAX_CALLS);
	}

}
