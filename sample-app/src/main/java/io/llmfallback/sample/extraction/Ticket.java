package io.llmfallback.sample.extraction;

import java.util.List;

/**
 * What the ticket queue reads from a support ticket, as the {@code extract} chain's
 * answers carry it ({@code contracts/ticket.schema.json}). Every component is required:
 * an answer without one does not map, and the chain moves on to the next provider.
 *
 * @param title a short title
 * @param summary what the customer reports
 * @param sentiment {@code positive}, {@code neutral} or {@code negative}
 * @param keywords up to five keywords
 */
public record Ticket(String title, String summary, String sentiment, List<String> keywords) {

}
