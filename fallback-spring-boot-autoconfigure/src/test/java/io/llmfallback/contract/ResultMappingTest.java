package io.llmfallback.contract;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ResultMappingTest {

	record Ticket(String title, int priority, List<String> tags, @Nullable String assignee, Optional<String> team,
			@JsonProperty("due_date") String dueDate) {
	}

	private final ResultMapping<Ticket> mapping = ResultMapping.to(Ticket.class);

	@Test
	void mapsACompleteAnswerAndIgnoresFieldsTheRecordDoesNotDeclare() {
		ResultMapping.Mapped<Ticket> mapped = this.mapping.map("""
				{"title":"Login fails","priority":2,"tags":["auth"],"assignee":"ana","team":"core",
				 "due_date":"2026-12-01","confidence":0.9}""");

		assertThat(mapped.value())
			.isEqualTo(new Ticket("Login fails", 2, List.of("auth"), "ana", Optional.of("core"), "2026-12-01"));
		assertThat(mapped.check()).isEqualTo(new ContractCheck(List.of(), true, 1.0));
	}

	@Test
	void nullableAndOptionalComponentsMayBeMissingAndCountAgainstCoverageOnly() {
		ResultMapping.Mapped<Ticket> mapped = this.mapping
			.map("{\"title\":\"Login fails\",\"priority\":2,\"tags\":[],\"due_date\":\"2026-12-01\"}");

		assertThat(mapped.value())
			.isEqualTo(new Ticket("Login fails", 2, List.of(), null, Optional.empty(), "2026-12-01"));
		// 4 of 6 components are present.
		assertThat(mapped.check().fieldCoverage()).isEqualTo(4.0 / 6);
		assertThat(mapped.check().passed()).isTrue();
	}

	@Test
	void aMissingOrNullRequiredComponentIsAViolationEvenAPrimitiveJacksonWouldDefault() {
		ResultMapping.Mapped<Ticket> mapped = this.mapping.map("{\"title\":null,\"tags\":[],\"dueDate\":\"soon\"}");

		assertThat(mapped.value()).isNull();
		assertThat(mapped.check().violations()).containsExactly("Ticket.title is missing from the output",
				"Ticket.priority is missing from the output", "Ticket.due_date is missing from the output");
		assertThat(mapped.check().schemaCompliant()).isFalse();
		// Only tags is there: title is null, and dueDate is not the JSON name.
		assertThat(mapped.check().fieldCoverage()).isEqualTo(1.0 / 6);
	}

	@Test
	void aFieldOfTheWrongTypeIsAViolationNamingIt() {
		ResultMapping.Mapped<Ticket> mapped = this.mapping
			.map("{\"title\":\"t\",\"priority\":\"urgent\",\"tags\":[],\"due_date\":\"d\"}");

		assertThat(mapped.value()).isNull();
		assertThat(mapped.check().violations()).singleElement()
			.asString()
			.startsWith("output does not map onto Ticket: ")
			.contains("\"urgent\"");
		assertThat(mapped.check().fieldCoverage()).isEqualTo(4.0 / 6);
	}

	@Test
	void valuesAreNotCoercedOntoAnotherType() {
		assertThat(this.mapping.map("{\"title\":\"t\",\"priority\":1.7,\"tags\":[],\"due_date\":\"d\"}").value())
			.isNull();
		assertThat(this.mapping.map("{\"title\":5,\"priority\":1,\"tags\":[],\"due_date\":\"d\"}").check().violations())
			.singleElement()
			.asString()
			.startsWith("output does not map onto Ticket: ");
		assertThat(this.mapping.map("{\"title\":\"t\",\"priority\":1,\"tags\":[true],\"due_date\":\"d\"}").value())
			.isNull();
	}

	@Test
	void jsonNullIsAViolationEvenForATypeWithoutRequiredFields() {
		ResultMapping.Mapped<Map> mapped = ResultMapping.to(Map.class).map("null");

		assertThat(mapped.value()).isNull();
		assertThat(mapped.check().violations()).containsExactly("output is JSON null, not a Map");
	}

	@Test
	void jsonInAMarkdownFenceMaps() {
		ResultMapping.Mapped<Ticket> mapped = this.mapping
			.map("```json\n{\"title\":\"t\",\"priority\":1,\"tags\":[\"x\"],\"due_date\":\"d\"}\n```");

		assertThat(mapped.value().tags()).containsExactly("x");
	}

	@Test
	void proseIsAViolationWithNoCoverage() {
		ResultMapping.Mapped<Ticket> mapped = this.mapping.map("Sure! The ticket is about a login failure.");

		assertThat(mapped.value()).isNull();
		assertThat(mapped.check()).isEqualTo(
				new ContractCheck(List.of("output is not JSON, so it cannot be mapped onto Ticket"), false, 0.0));
	}

	@Test
	void aTypeThatIsNotARecordMapsWithoutFieldCoverage() {
		ResultMapping.Mapped<Map> mapped = ResultMapping.to(Map.class).map("{\"a\":1}");

		assertThat(mapped.value()).containsEntry("a", 1);
		assertThat(mapped.check()).isEqualTo(new ContractCheck(List.of(), true, null));
	}

	@Test
	void theMappingOfATypeIsFoundOnce() {
		assertThat(ResultMapping.to(Ticket.class)).isSameAs(this.mapping);
	}

	@Test
	void aChecksCombinationKeepsEveryViolationAndTheContractsCoverage() {
		ContractCheck contract = new ContractCheck(List.of("output has 3 characters, fewer than 10"), true, 0.5);
		ContractCheck mappingCheck = new ContractCheck(List.of("Ticket.title is missing from the output"), false, 0.25);

		assertThat(contract.and(mappingCheck)).isEqualTo(new ContractCheck(
				List.of("output has 3 characters, fewer than 10", "Ticket.title is missing from the output"), false,
				0.5));
		assertThat(ContractCheck.UNCHECKED.and(mappingCheck)).isEqualTo(mappingCheck);
	}

}
