package io.llmfallback.sample.extraction;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code POST /extract} with {@code {"ticket": "..."}}: 200 with an {@link Extraction},
 * 400 for an empty ticket.
 */
@RestController
final class ExtractionController {

	private final ExtractionService extractions;

	ExtractionController(ExtractionService extractions) {
		this.extractions = extractions;
	}

	@PostMapping("/extract")
	Mono<Extraction> extract(@RequestBody TicketBody body) {
		String ticket = body.ticket();
		if (ticket == null || ticket.isBlank()) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "ticket must not be empty");
		}
		return this.extractions.extract(ticket);
	}

	/**
	 * The body of {@code POST /extract}.
	 *
	 * @param ticket the support ticket's text; required
	 */
	record TicketBody(@Nullable String ticket) {

	}

}
