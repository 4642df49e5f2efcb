package io.llmfallback.sample.assistant;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.annotation.ToolParam;

/**
 * The assistant's tool for one question: the status of an order, from an in-memory table,
 * each lookup kept so that the answer can say which calls the model made.
 */
final class OrderLookup {

	private static final Map<String, String> STATUSES = Map.of("A-1042", "shipped", "A-1043", "packing", "A-1044",
			"delivered");

	private final List<String> calls = new CopyOnWriteArrayList<>();

	@Tool(description = "The status of a customer's order")
	OrderStatus orderStatus(@ToolParam(description = "The order's id, e.g. A-1042") String orderId) {
		this.calls.add("orderStatus(" + orderId + ")");
		return new OrderStatus(orderId, STATUSES.getOrDefault(orderId, "unknown"));
	}

	/** The lookups the model asked for, in order. */
	List<String> calls() {
		return List.copyOf(this.calls);
	}

	/**
	 * What the tool returns, which Spring AI sends back to the model as JSON.
	 *
	 * @param orderId the order looked up
	 * @param status its status, {@code unknown} for an order the table does not have
	 */
	record OrderStatus(String orderId, String status) {

	}

}
