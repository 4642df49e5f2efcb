package io.llmfallback.provider.internal;

import java.util.List;
import java.util.Set;

import io.llmfallback.model.ChatMessage;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ResponseFormat;
import io.llmfallback.model.ToolChoice;
import io.llmfallback.model.ToolDefinition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestAdaptationTest {

	private static final ChatRequest REQUEST = ChatRequest.ofUser("Alice and Bob meet on Friday.")
		.withSystem("You extract events.")
		.withTools(List.of(new ToolDefinition("lookup", "Looks a name up", "{\"type\":\"object\"}")), ToolChoice.AUTO)
		.withSampling(List.of("END"), 0.9, 7L)
		.withJsonSchema("calendar_event", "{\"type\":\"object\"}");

	@Test
	void aSystemPromptAddendumChangesTheMessagesOnlyAndKeepsTheSchemaToolsAndSampling() {
		ChatRequest adapted = new RequestAdaptation(null, "Answer in full.", null, Set.of()).apply(REQUEST);

		assertThat(adapted.messages()).containsExactly(ChatMessage.system("You extract events.\n\nAnswer in full."),
				ChatMessage.user("Alice and Bob meet on Friday."));
		assertThat(adapted.withMessages(REQUEST.messages())).isEqualTo(REQUEST);
	}

	@Test
	void droppingTheResponseFormatDropsTheSchemaToo() {
		ChatRequest adapted = new RequestAdaptation(null, null, null,
				Set.of(RequestAdaptation.Parameter.RESPONSE_FORMAT))
			.apply(REQUEST);

		assertThat(adapted.responseFormat()).isEqualTo(ResponseFormat.TEXT);
		assertThat(adapted.needsJsonSchema()).isFalse();
	}

}
