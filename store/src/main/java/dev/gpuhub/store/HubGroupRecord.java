package dev.gpuhub.store;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A group of users as stored in {@code hub_groups} and {@code hub_group_members}.
 *
 * @param name      the group's name
 * @param createdAt when it was made
 * @param users     its members' names, sorted
 */
public record HubGroupRecord(String name, Instant createdAt, List<String> users) {
  public HubGroupRecord {
    Objects.requireNonNull(name, "name");
    users = List.copyOf(users);
  }
}
