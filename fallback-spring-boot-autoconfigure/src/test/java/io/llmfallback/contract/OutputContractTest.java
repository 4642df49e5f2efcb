package io.llmfallback.contract;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import com.networknt.schema.Schema;
import io.llmfallback.contract.OutputContract.OnViolation;
import io.llmfallback.model.ChatResponse;
import io.llmfallback.model.TokenUsage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class OutputContractTest {

	private static final Schema SUMMARY = OutputContract.parseSchema(resource("/contracts/summary.schema.json"));

	private final OutputContract contract = new OutputContract(SUMMARY, null, null, false, OnViolation.NEXT_PROVIDER);

	@Test
	void compliantOutputPassesWithItsFieldCoverage() {
		ContractCheck check = this.contract.check(answer("{\"summary\":\"Short.\",\"sentiment\":\"neutral\"}", "stop"));

		assertThat(check.passed()).isTrue();
		assertThat(check.schemaCompliant()).isTrue();
		assertThat(check.fieldCoverage()).isEqualTo(0.5);
	}

	@Test
	void schemaViolationsAreListed() {
		ContractCheck check = this.contract
			.check(answer("{\"summary\":\"\",\"sentiment\":\"angry\",\"keywords\":[\"a\"],\"confidence\":2}", "stop"));

		assertThat(check.passed()).isFalse();
		assertThat(check.schemaCompliant()).isFalse();
		assertThat(check.fieldCoverage()).isEqualTo(1.0);
		assertThat(check.violations()).hasSize(3)
			.allSatisfy((violation) -> assertThat(violation).startsWith("schema: "))
			.anySatisfy((violation) -> assertThat(violation).contains("sentiment"))
			.anySatisfy((violation) -> assertThat(violation).contains("confidence"))
			.anySatisfy((violation) -> assertThat(violation).contains("summary"));
	}

	@Test
	void aMissingRequiredFieldIsAViolation() {
		ContractCheck check = this.contract.check(answer("{\"summary\":\"Short.\"}", "stop"));

		// A violation of the output as a whole names no location.
		assertThat(check.violations()).containsExactly("schema: required property 'sentiment' not found");
		assertThat(check.fieldCoverage()).isEqualTo(0.25);
	}

	@Test
	void jsonInACodeFenceIsReadFromTheFence() {
		ContractCheck check = this.contract
			.check(answer("```json\n{\"summary\":\"Short.\",\"sentiment\":\"positive\"}\n```", "stop"));

		assertThat(check.passed()).isTrue();
	}

	@Test
	void proseIsNotJson() {
		ContractCheck check = this.contract.check(answer("Here is your summary: it went well.", "stop"));

		assertThat(check.violations()).containsExactly("output is not JSON");
		assertThat(check.schemaCompliant()).isFalse();
		assertThat(check.fieldCoverage()).isEqualTo(0.0);
	}

	@Test
	void lengthBoundsAndTruncationAreChecked() {
		OutputContract bounded = new OutputContract(null, 10, 20, true, OnViolation.ACCEPT_AND_FLAG);

		assertThat(bounded.check(answer("short", "stop").withLatency(Duration.ZERO)).violations())
			.containsExactly("output has 5 characters, fewer than 10");
		assertThat(bounded.check(answer("x".repeat(25), "end_turn")).violations())
			.containsExactly("output has 25 characters, more than 20");
		assertThat(bounded.check(answer("x".repeat(15), "MAX_TOKENS")).violations())
			.containsExactly("output was cut off by the token limit (finish reason MAX_TOKENS)");
		assertThat(bounded.check(answer("x".repeat(15), "length")).passed()).isFalse();
		assertThat(bounded.check(answer("x".repeat(15), "stop")).passed()).isTrue();
	}

	@Test
	void noContractChecksNothing() {
		assertThat(OutputContract.NONE.check(answer("anything", "length"))).isSameAs(ContractCheck.UNCHECKED);
	}

	@Test
	void aSchemaThatIsNotOneIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> OutputContract.parseSchema("{not json"));
	}

	private static ChatResponse answer(String text, String finishReason) {
		return new ChatResponse(text, finishReason, new TokenUsage(10, 10), "p", "m", Duration.ofMillis(1));
	}

	private static String resource(String path) {
		try (InputStream input = OutputContractTest.class.getResourceAsStream(path)) {
			return new String(input.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
