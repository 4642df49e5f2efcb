package io.llmfallback.gate.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.llmfallback.autoconfigure.InvalidLlmFallbackConfigurationException.Problem;
import io.llmfallback.autoconfigure.InvalidLlmFallbackConfigurationException;
import io.llmfallback.gate.GateReport;
import io.llmfallback.gate.internal.ChainGates;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The command-line run of a chain's compatibility gate
 * ({@code --llm.fallback.gate.chain=<name>}): replays the corpus, logs the verdict,
 * writes the report as JSON, Markdown and HTML, and ends the application with exit code
 * {@value #PASSED} when the gate passes, {@value #FAILED} when it fails and
 * {@value #NOT_RUN} when it could not run or write its report, so that a CI step can run
 * the application itself as the gate.
 */
final class GateCommandLineRunner implements ApplicationRunner, ExitCodeGenerator {

	static final int PASSED = 0;

	static final int FAILED = 1;

	static final int NOT_RUN = 2;

	private static final Log logger = LogFactory.getLog(GateCommandLineRunner.class);

	private final ChainGates gates;

	private final @Nullable String chain;

	private final List<Problem> problems;

	private final Path reportDirectory;

	private final boolean exitWhenDone;

	private final ConfigurableApplicationContext context;

	private volatile int exitCode = NOT_RUN;

	/**
	 * @param gates the gates to run
	 * @param chain the chain to run the gate of, {@code null} when the properties do not
	 * say
	 * @param problems why the run cannot run, empty when it can
	 * @param reportDirectory where to write the reports
	 * @param exitWhenDone whether to end the application after the run
	 * @param context the application, to end
	 */
	GateCommandLineRunner(ChainGates gates, @Nullable String chain, List<Problem> problems, Path reportDirectory,
			boolean exitWhenDone, ConfigurableApplicationContext context) {
		this.gates = gates;
		this.chain = chain;
		this.problems = List.copyOf(problems);
		this.reportDirectory = reportDirectory;
		this.exitWhenDone = exitWhenDone;
		this.context = context;
	}

	@Override
	public void run(ApplicationArguments args) {
		if (this.chain == null || !this.problems.isEmpty()) {
			logger.error("The compatibility gate cannot run:\n"
					+ InvalidLlmFallbackConfigurationException.describe(this.problems));
		}
		else {
			run(this.chain);
		}
		if (this.exitWhenDone) {
			System.exit(SpringApplication.exit(this.context));
		}
	}

	private void run(String chain) {
		try {
			GateReport report = this.gates.run(chain).block();
			if (report == null) {
				logger.error("The compatibility gate of chain '" + chain + "' ended without a report");
			}
			else {
				this.exitCode = report.passed() ? PASSED : FAILED;
				logger.info("Compatibility gate of chain '" + chain + "': "
						+ report.verdict().wireName().toUpperCase(Locale.ROOT) + "\n\n" + report.verdictMarkdown());
				logger.info("Compatibility gate reports written to " + write(chain, report));
			}
		}
		catch (RuntimeException ex) {
			logger.error("The compatibility gate of chain '" + chain + "' could not run or write its report", ex);
			// A run whose report is missing did not do its job, whatever the verdict
			// (logged above) was.
			this.exitCode = NOT_RUN;
		}
	}

	private List<Path> write(String chain, GateReport report) {
		List<Path> files = new ArrayList<>();
		try {
			Files.createDirectories(this.reportDirectory);
			for (GateReport.Format format : GateReport.Format.values()) {
				Path file = this.reportDirectory.resolve(chain + "-gate." + format.extension());
				Files.writeString(file, report.render(format));
				files.add(file.toAbsolutePath());
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write the gate report to " + this.reportDirectory, ex);
		}
		return files;
	}

	@Override
	public int getExitCode() {
		return this.exitCode;
	}

}
