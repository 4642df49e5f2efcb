package io.llmfallback.springai.internal;

import io.llmfallback.model.ToolDefinition;

import org.springframework.ai.tool.ToolCallback;

/**
 * A tool the model may ask for but not run: the chain's caller runs the tools of its
 * request.
 */
final class DefinitionOnlyToolCallback implements ToolCallback {

	private final org.springframework.ai.tool.definition.ToolDefinition definition;

	DefinitionOnlyToolCallback(ToolDefinition tool) {
		this.definition = org.springframework.ai.tool.definition.ToolDefinition.builder()
			.name(tool.name())
			.description(tool.description())
			.inputSchema(tool.parameters())
			.build();
	}

	@Override
	public org.springframework.ai.tool.definition.ToolDefinition getToolDefinition() {
		return this.definition;
	}

	@Override
	public String call(String toolInput) {
		throw new UnsupportedOperationException("Tool '" + this.definition.name()
				+ "' is run by the caller of the chain, not by a model serving as its provider");
	}

}
