package dev.gpuhub.store.jdbc;

import dev.gpuhub.core.profile.ImageChoice;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** Table {@code hub_images}: the images administrators declared; a reference in use is a {@link dev.gpuhub.store.DuplicateNameException}. */
final class ImageTable {
  private final Jdbc jdbc;

  ImageTable(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  void create(ImageChoice image) {
    UniqueClash.orDuplicate("image '" + image.reference() + "' is already declared", () -> jdbc.write(
        "declare image " + image.reference(), c -> {
          try (PreparedStatement ps = c.prepareStatement(
              "INSERT INTO hub_images (reference, display_name, profiles, allowed_groups, start_command) VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, image.reference());
            ps.setString(2, image.displayName());
            ps.setString(3, names(image.profiles()));
            ps.setString(4, names(image.groups()));
            ps.setString(5, image.start());
            ps.executeUpdate();
          }
          return null;
        }));
  }

  boolean delete(String reference) {
    return jdbc.write("remove image " + reference, c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM hub_images WHERE reference = ?")) {
        ps.setString(1, reference);
        return ps.executeUpdate() > 0;
      }
    });
  }

  List<ImageChoice> all() {
    return jdbc.read("list images", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT reference, display_name, profiles, allowed_groups, start_command FROM hub_images ORDER BY reference");
           ResultSet rs = ps.executeQuery()) {
        List<ImageChoice> out = new ArrayList<>();
        while (rs.next()) {
          out.add(new ImageChoice(rs.getString("reference"), rs.getString("display_name"), list(rs.getString("profiles")),
              list(rs.getString("allowed_groups")), rs.getString("start_command")));
        }
        return out;
      }
    });
  }

  private static String names(List<String> names) {
    return names.isEmpty() ? null : String.join(" ", names);
  }

  private static List<String> list(String stored) {
    return stored == null || stored.isBlank() ? List.of() : List.of(stored.trim().split(" +"));
  }
}
