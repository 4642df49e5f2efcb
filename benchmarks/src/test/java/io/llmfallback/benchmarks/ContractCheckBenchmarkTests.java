package io.llmfallback.benchmarks;

import java.util.List;

import io.llmfallback.chain.ChainResponse;
import io.llmfallback.contract.ContractCheck;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls each contract benchmark method once, outside JMH: each must do the work it claims
 * to measure.
 */
class ContractCheckBenchmarkTests {

	private final ContractCheckBenchmark benchmark = new ContractCheckBenchmark();

	@BeforeEach
	void setUp() {
		this.benchmark.setUp();
	}

	@Test
	void uncheckedServesTheTicketUnchecked() {
		ChainResponse response = this.benchmark.unchecked();
		assertThat(response.text()).isEqualTo(ContractCheckBenchmark.TICKET);
		assertThat(response.attempts().get(0).contract()).isEqualTo(ContractCheck.UNCHECKED);
	}

	@Test
	void schemaContractValidatesTheTicket() {
		assertThat(this.benchmark.schemaContract().attempts().get(0).contract())
			.isEqualTo(new ContractCheck(List.of(), true, 1.0));
	}

	@Test
	void typedResultMapsTheTicket() {
		assertThat(this.benchmark.typedResult().entity(ContractCheckBenchmark.Ticket.class))
			.isEqualTo(new ContractCheckBenchmark.Ticket("Charged twice for the March invoice.",
					"My credit card shows two payments of 49 euros on 3 March, but the billing page lists only one. "
							+ "Please refund the duplicate.",
					"negative", List.of("charged", "invoice", "duplicate")));
	}

}
