package com.example.ratings;

import dev.mlops.api.event.EventTypes;
import dev.mlops.core.platform.MlopsPlatform;
import java.nio.file.Path;

/** The README's example, as a team would paste it into its own service. */
public class RatingsService {
    public static void main(String[] args) {
        try (MlopsPlatform mlops = MlopsPlatform.embedded(Path.of("target", ".mlops"))) {
            // React to anything the SDK announces about models, e.g. a new champion.
            mlops.eventBus().subscribe("dev.mlops.model.**", event ->
                    System.out.println(event.type() + " " + event.subject().orElse("")));
            // Announce your own facts as CloudEvents: typed, validated, JSON on the wire.
            mlops.eventBus().publish(mlops.newEvent("movies.ratings.arrived")
                    .subject("batch-0001")
                    .data("rows", 6)
                    .build());
            mlops.eventBus().publish(mlops.newEvent(EventTypes.MODEL_ALIAS_CHANGED)
                    .subject("movie-rater").data("alias", "champion").data("version", 7).build());
        }   // close() drains the bus: every accepted event is delivered
    }
}
