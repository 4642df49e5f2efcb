package io.llmfallback.model;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class JsonSchemaModelTest {

	private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}";

	@Test
	void aSchemaAsksForAJsonAnswerAndIsStrictUnlessSaidOtherwise() {
		ChatRequest request = ChatRequest.ofUser("Where?").withJsonSchema("place", SCHEMA);

		assertThat(request.needsJsonSchema()).isTrue();
		assertThat(request.responseFormat()).isEqualTo(ResponseFormat.JSON);
		assertThat(request.jsonSchema()).isEqualTo(new JsonSchemaFormat("place", SCHEMA, true));
		assertThat(ChatRequest.ofUser("Where?").needsJsonSchema()).isFalse();
		assertThat(ChatRequest.ofUser("Where?").withResponseFormat(ResponseFormat.JSON).needsJsonSchema()).isFalse();
	}

	@Test
	void theSchemaIsKeptByEveryOtherWithMethodAndDroppedByATextFormat() {
		ChatRequest request = ChatRequest.ofUser("Where?").withJsonSchema("place", SCHEMA);

		ChatRequest changed = request.withMaxTokens(10)
			.withTemperature(0.2)
			.withModel("gpt-4o")
			.withSystem("Be brief.")
			.withTools(List.of(new ToolDefinition("lookup", "", "{}")), null)
			.withSampling(List.of("END"), 0.9, 7L)
			.withResponseFormat(ResponseFormat.JSON)
			.withPrefill("{");

		assertThat(changed.jsonSchema()).isEqualTo(request.jsonSchema());
		ChatRequest text = request.withResponseFormat(ResponseFormat.TEXT);
		assertThat(text.needsJsonSchema()).isFalse();
		assertThat(text.responseFormat()).isEqualTo(ResponseFormat.TEXT);
	}

	@Test
	void aSchemaWithATextFormatIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ChatRequest(List.of(ChatMessage.user("x")), null, null, null, ResponseFormat.TEXT,
					List.of(), null, List.of(), null, null, new JsonSchemaFormat("place", SCHEMA, true)))
			.withMessageContaining("must be JSON");
	}

	@Test
	void aSchemaNameFollowsOpenAisRuleAndItsTextIsNotBlank() {
		assertThat(new JsonSchemaFormat("calendar_event-2", SCHEMA, false).name()).isEqualTo("calendar_event-2");
		assertThatIllegalArgumentException().isThrownBy(() -> new JsonSchemaFormat("calendar event", SCHEMA, true))
			.withMessageContaining("A schema name may hold letters")
			.withMessageContaining("found ' ' at 8");
		assertThatIllegalArgumentException().isThrownBy(() -> new JsonSchemaFormat("a".repeat(65), SCHEMA, true))
			.withMessageContaining("A schema name needs 1 to 64");
		assertThatIllegalArgumentException().isThrownBy(() -> new JsonSchemaFormat("place", " ", true))
			.withMessageContaining("needs its text");
	}

	@Test
	void theSchemaCountsInThePromptsEstimatedTokens() {
		ChatRequest request = ChatRequest.ofUser("x".repeat(40));

		assertThat(request.estimatedInputTokens()).isEqualTo(10);
		assertThat(request.withJsonSchema("place", "{" + " ".repeat(38) + "}").estimatedInputTokens()).isEqualTo(20);
	}

}
