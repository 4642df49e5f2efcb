package io.llmfallback.springai.internal;

import java.util.List;

import io.llmfallback.model.ToolDefinition;
import org.junit.jupiter.api.Test;

import org.springframework.ai.model.tool.StructuredOutputChatOptions;
import org.springframework.ai.model.tool.ToolCallingChatOptions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chain's options keep tools and a schema through the copies {@code ChatClient} and
 * its advisors make ({@code mutate()}, {@code combineWith}).
 */
class ChainChatOptionsTests {

	private static final String SCHEMA = "{\"type\":\"object\"}";

	@Test
	void mutateKeepsTheToolsTheSchemaAndThePortableOptions() {
		ChainChatOptions options = ChainChatOptions.builder()
			.toolCallbacks(new DefinitionOnlyToolCallback(new ToolDefinition("orderStatus", "An order", SCHEMA)))
			.model("gpt-4o")
			.temperature(0.2)
			.stopSequences(List.of("END"))
			.outputSchema(SCHEMA)
			.build();

		ChainChatOptions copy = options.mutate().maxTokens(64).build();

		assertThat(copy.getOutputSchema()).isEqualTo(SCHEMA);
		assertThat(copy.getToolCallbacks()).extracting((tool) -> tool.getToolDefinition().name())
			.containsExactly("orderStatus");
		assertThat(copy.getModel()).isEqualTo("gpt-4o");
		assertThat(copy.getTemperature()).isEqualTo(0.2);
		assertThat(copy.getStopSequences()).containsExactly("END");
		assertThat(copy.getMaxTokens()).isEqualTo(64);
		assertThat(copy).isNotEqualTo(options).isEqualTo(options.mutate().maxTokens(64).build());
		assertThat(options.mutate().outputSchema(null).build()).isNotEqualTo(options);
	}

	@Test
	void theyAreBothToolCallingAndStructuredOutputOptions() {
		assertThat(ChainChatOptions.builder().build()).isInstanceOf(ToolCallingChatOptions.class)
			.isInstanceOf(StructuredOutputChatOptions.class);
		assertThat(ChainChatOptions.builder().build().mutate()).isInstanceOf(ToolCallingChatOptions.Builder.class)
			.isInstanceOf(StructuredOutputChatOptions.Builder.class);
	}

	@Test
	void combiningTakesTheOtherBuildersSchemaAndKeepsItsOwnWhenTheOtherHasNone() {
		ChainChatOptions.Builder builder = ChainChatOptions.builder().model("a").outputSchema(SCHEMA);

		assertThat(builder.combineWith(ChainChatOptions.builder().model("b")).build().getOutputSchema())
			.isEqualTo(SCHEMA);
		assertThat(builder.combineWith(ChainChatOptions.builder().outputSchema("{}")).build().getOutputSchema())
			.isEqualTo("{}");
		assertThat(builder.build().getModel()).isEqualTo("b");
	}

}
