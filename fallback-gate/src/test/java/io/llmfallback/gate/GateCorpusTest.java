package io.llmfallback.gate;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.llmfallback.model.ChatMessage;
import io.llmfallback.model.ChatRequest;
import io.llmfallback.model.ChatRole;
import io.llmfallback.model.ResponseFormat;
import io.llmfallback.model.ToolChoice;
import io.llmfallback.model.ToolDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** Reading a JSON Lines corpus, and the errors that name the line at fault. */
class GateCorpusTest {

	@Test
	void readsTheTestCorpusKeepingFileLineNumbers() {
		GateCorpus corpus = GateFixtures.corpus();

		assertThat(corpus.size()).isEqualTo(10);
		assertThat(corpus.entries()).extracting(CorpusEntry::id)
			.containsExactly("q01", "q02", "q03", "q04", "q05", "q06", "s07", "s08", "s09", "s10");
		// Two comment lines first, a blank line before q06.
		assertThat(corpus.entries()).extracting(CorpusEntry::line).containsExactly(3, 4, 5, 6, 7, 9, 10, 11, 12, 13);
		ChatRequest q02 = corpus.entries().get(1).request();
		assertThat(q02.messages()).containsExactly(ChatMessage.system("Answer in one paragraph."),
				ChatMessage.user("Question 02: what is a fallback chain?"));
		assertThat(corpus.entries().get(2).request().maxTokens()).isEqualTo(400);
		assertThat(corpus.entries().get(3).request().messages()).extracting(ChatMessage::role)
			.containsExactly(ChatRole.SYSTEM, ChatRole.USER, ChatRole.ASSISTANT, ChatRole.USER);
		assertThat(corpus.entries().get(4).request().temperature()).isEqualTo(0.2);
		assertThat(corpus.entries()).filteredOn((entry) -> entry.schema() != null)
			.extracting(CorpusEntry::id)
			.containsExactly("s07", "s08", "s09", "s10");
		// A line with a schema asks for JSON unless it says otherwise.
		assertThat(corpus.entries().get(6).request().responseFormat()).isEqualTo(ResponseFormat.JSON);
		assertThat(corpus.entries().get(0).request().responseFormat()).isEqualTo(ResponseFormat.TEXT);
		assertThat(corpus.entries().get(0).request().model()).isNull();
	}

	@Test
	void readsFilesStreamsAndText(@TempDir Path dir) throws Exception {
		String jsonl = "\uFEFF{\"prompt\":\"one\",\"responseFormat\":\"JSON\"}\r\n\r\n{\"id\":\"two\",\"prompt\":\"two\"}\r\n";
		Path file = Files.writeString(dir.resolve("corpus.jsonl"), jsonl);

		for (GateCorpus corpus : List.of(GateCorpus.read(file), GateCorpus.parse(jsonl),
				GateCorpus.read(new ByteArrayInputStream(jsonl.getBytes(StandardCharsets.UTF_8))))) {
			assertThat(corpus.entries()).extracting(CorpusEntry::id).containsExactly("line-1", "two");
			assertThat(corpus.entries()).extracting(CorpusEntry::line).containsExactly(1, 3);
			assertThat(corpus.entries().get(0).request().responseFormat()).isEqualTo(ResponseFormat.JSON);
		}
		Files.writeString(dir.resolve("broken.jsonl"), "{\"prompt\":\"ok\"}\n{\"prompt\":\n");
		assertThatExceptionOfType(GateCorpusException.class)
			.isThrownBy(() -> GateCorpus.read(dir.resolve("broken.jsonl")))
			.withMessageStartingWith("broken.jsonl line 2: not valid JSON")
			.satisfies((ex) -> assertThat(ex.getLineNumber()).isEqualTo(2))
			.satisfies((ex) -> assertThat(ex.getSource()).isEqualTo("broken.jsonl"));
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			textBlock = """
					{"prompt":"ok"} trailing                              | not valid JSON
					[1,2]                                                 | not a JSON object
					{"promt":"typo"}                                      | unknown field "promt"; expected some of [id, system, prompt, messages, maxTokens, temperature, responseFormat, schema, tools, toolChoice]
					{"id":"x"}                                            | needs "prompt" or "messages"
					{"prompt":"a","messages":[{"role":"user","content":"b"}]} | "prompt" and "messages" are both set; give one
					{"prompt":"  "}                                       | "prompt" is blank
					{"prompt":42}                                         | "prompt" must be a string, was NUMBER
					{"id":"","prompt":"a"}                                | "id" is blank
					{"messages":[]}                                       | "messages" must be a non-empty array of {"role","content"}
					{"messages":[{"role":"robot","content":"hi"}]}        | "messages"[0] has role "robot"; expected system, user or assistant
					{"messages":[{"role":"user"}]}                        | "messages"[0] needs a "content" string
					{"messages":[{"role":"system","content":"s"}]}        | "messages" has only system messages
					{"prompt":"a","maxTokens":0}                          | "maxTokens" must be a positive integer, was 0
					{"prompt":"a","maxTokens":1.5}                        | "maxTokens" must be a positive integer, was 1.5
					{"prompt":"a","temperature":"hot"}                    | "temperature" must be a number of 0 or more, was "hot"
					{"prompt":"a","responseFormat":"xml"}                 | "responseFormat" must be "json" or "text", was "xml"
					{"prompt":"a","schema":"object"}                      | "schema" must be a JSON Schema object, was STRING
					{"prompt":"a","tools":[]}                             | "tools" must be a non-empty array of {"name","description","parameters"}
					{"prompt":"a","tools":["get_weather"]}                | "tools"[0] is not an object
					{"prompt":"a","tools":[{"description":"d"}]}          | "tools"[0] needs a "name" string
					{"prompt":"a","tools":[{"name":"get weather"}]}       | "tools"[0]: A tool name may hold letters, digits, '_' and '-' only; found ' ' at 3
					{"prompt":"a","tools":[{"name":"t","type":"function"}]} | "tools"[0] has unknown field "type"; expected some of [name, description, parameters]
					{"prompt":"a","tools":[{"name":"t","description":7}]} | "tools"[0].description must be a string, was NUMBER
					{"prompt":"a","tools":[{"name":"t","parameters":"{}"}]} | "tools"[0].parameters must be a JSON Schema object, was STRING
					{"prompt":"a","tools":[{"name":"t"},{"name":"t"}]}    | "tools"[1]: tool 't' is defined twice
					{"prompt":"a","toolChoice":"required"}                | "toolChoice": A tool choice other than NONE needs tools
					{"prompt":"a","tools":[{"name":"t"}],"toolChoice":"any"} | "toolChoice" must be "auto", "none", "required" or {"name":"<tool>"}, was "any"
					{"prompt":"a","tools":[{"name":"t"}],"toolChoice":{"name":"u"}} | "toolChoice": The tool choice names a tool the request does not define
					""")
	void aMalformedLineIsAnErrorNamingIt(String line, String problem) {
		String jsonl = "// a corpus\n{\"id\":\"fine\",\"prompt\":\"fine\"}\n\n" + line + "\n{\"prompt\":\"after\"}\n";

		assertThatExceptionOfType(GateCorpusException.class).isThrownBy(() -> GateCorpus.parse(jsonl))
			.withMessageStartingWith("corpus line 4: ")
			.withMessageContaining(problem)
			.satisfies((ex) -> assertThat(ex.getLineNumber()).isEqualTo(4));
	}

	@Test
	void linesMayDefineToolsAndAToolChoice() {
		GateCorpus corpus = GateCorpus
			.parse("""
					{"id":"weather","prompt":"Weather in Paris?","tools":[{"name":"get_weather","description":"Current weather","parameters":{"type":"object","required":["city"],"properties":{"city":{"type":"string"}}}},{"name":"now"}],"toolChoice":{"name":"get_weather"}}
					{"id":"auto","prompt":"Anything?","tools":[{"name":"now"}],"toolChoice":"AUTO"}
					{"id":"plain","prompt":"Hello"}
					""");

		ChatRequest weather = corpus.entries().get(0).request();
		assertThat(weather.tools()).containsExactly(new ToolDefinition("get_weather", "Current weather",
				"{\"type\":\"object\",\"required\":[\"city\"],\"properties\":{\"city\":{\"type\":\"string\"}}}"),
				new ToolDefinition("now", "", "{\"type\":\"object\",\"properties\":{}}"));
		assertThat(weather.toolChoice()).isEqualTo(ToolChoice.tool("get_weather"));
		assertThat(corpus.entries().get(1).request().toolChoice()).isEqualTo(ToolChoice.AUTO);
		assertThat(corpus.entries().get(2).request().tools()).isEmpty();
		assertThat(corpus.entries().get(2).request().toolChoice()).isNull();
	}

	@Test
	void idsAreUniqueAndACorpusIsNotEmpty() {
		assertThatExceptionOfType(GateCorpusException.class)
			.isThrownBy(() -> GateCorpus.parse("{\"id\":\"a\",\"prompt\":\"x\"}\n{\"id\":\"a\",\"prompt\":\"y\"}"))
			.withMessage("corpus line 2: id 'a' is used twice");
		assertThatExceptionOfType(GateCorpusException.class).isThrownBy(() -> GateCorpus.parse("// nothing\n\n"))
			.withMessage("corpus: has no requests (only blank or // comment lines)");
		assertThatExceptionOfType(GateCorpusException.class).isThrownBy(() -> GateCorpus.of(List.of()))
			.withMessage("corpus: has no requests");
	}

	@Test
	void entriesCanBeBuiltInCode() {
		GateCorpus corpus = GateCorpus.of(List.of(CorpusEntry.of("plain", ChatRequest.ofUser("hi")),
				CorpusEntry.of("shaped", ChatRequest.ofUser("json please"))
					.withSchema("{\"type\":\"object\",\"required\":[\"a\"]}")));

		assertThat(corpus.entries().get(0).schema()).isNull();
		assertThat(corpus.entries().get(1).schema()).isNotNull();
		assertThat(corpus.entries().get(1).line()).isZero();
	}

}
