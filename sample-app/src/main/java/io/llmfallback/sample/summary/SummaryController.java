package io.llmfallback.sample.summary;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code POST /summarize} with {@code {"document": "..."}}: always 200 with a
 * {@link Summary}.
 */
@RestController
final class SummaryController {

	private final SummaryService summaries;

	SummaryController(SummaryService summaries) {
		this.summaries = summaries;
	}

	@PostMapping("/summarize")
	Mono<Summary> summarize(@RequestBody DocumentBody body) {
		String document = body.document();
		if (document == null || document.isBlank()) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "document must not be empty");
		}
		return this.summaries.summarize(document);
	}

}
