package io.llmfallback.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.llmfallback.gate.ChainGates;
import io.llmfallback.gate.GateReport;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The command-line run of a chain's compatibility gate ({@code --llm.fallback.gate.chain=<name>}): replays
 * the corpus, writes the report as JSON, Markdown and HTML, and ends the application with exit code
 * {@value #PASSED} when the gate passes, {@value #FAILED} when it fails and {@value #NOT_RUN} when it could
 * not run, so that a CI step can run the application itself as the gate.
 */
final class GateCommandLineRunner implements ApplicationRunner, ExitCodeGenerator {

	static final int PASSED = 0;

	static final int FAILED = 1;

	static final int NOT_RUN = 2;

	private static final Log logger = LogFactory.getLog(GateCommandLineRunner.class);

	private final ChainGates gates;

	private final String chain;

	private final Path reportDirectory;

	private final boolean exitWhenDone;

	private final ConfigurableApplicationContext context;

	private volatile int exitCode = NOT_RUN;

	GateCommandLineRunner(ChainGates gates, String chain, Path reportDirectory, boolean exitWhenDone,
			ConfigurableApplicationContext context) {
		this.gates = gates;
		this.chain = chain;
		this.reportDirectory = reportDirectory;
		this.exitWhenDone = exitWhenDone;
		this.context = context;
	}

	@Override
	public void run(ApplicationArguments args) {
		try {
			GateReport report = this.gates.run(this.chain).block();
			if (report != null) {
				List<Path> files = write(report);
				this.exitCode = report.passed() ? PASSED : FAILED;
				logger.info("Compatibility gate of chain '" + this.chain + "': "
						+ report.verdict().wireName().toUpperCase(Locale.ROOT) + "; reports written to " + files
						+ "\n\n" + report.verdictMarkdown());
			}
		}
		catch (RuntimeException ex) {
			logger.error("The compatibility gate of chain '" + this.chain + "' could not run", ex);
		}
		if (this.exitWhenDone) {
			System.exit(SpringApplication.exit(this.context));
		}
	}

	private List<Path> write(GateReport report) {
		List<Path> files = new ArrayList<>();
		try {
			Files.createDirectories(this.reportDirectory);
			for (GateReport.Format format : GateReport.Format.values()) {
				Path file = this.reportDirectory.resolve(this.chain + "-gate." + format.extension());
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
