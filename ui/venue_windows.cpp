#include "ui/venue_windows.h"

#include <cctype>

namespace afterimage::ui {

int findMonitor(const std::string& monitor, const std::vector<MonitorInfo>& monitors) {
  if (monitor.empty()) return -1;
  for (const auto& m : monitors)
    if (m.name == monitor) return m.index;
  bool digits = true;
  for (char c : monitor) digits &= std::isdigit(static_cast<unsigned char>(c)) != 0;
  if (digits && monitor.size() < 6) {
    int index = std::stoi(monitor);
    if (index < int(monitors.size())) return index;
  }
  return -1;
}

PresenterOptions presenterOptionsFor(const Venue& venue, const std::vector<MonitorInfo>& monitors,
                                     const std::string& title, const std::string& venueFile,
                                     std::vector<std::string>& problems) {
  PresenterOptions options;
  for (size_t i = 0; i < venue.outputs.size(); ++i) {
    const OutputLayout& layout = venue.outputs[i];
    OutputWindowOptions window;
    window.width = layout.width, window.height = layout.height;
    window.layout = layout;
    window.monitor = findMonitor(layout.monitor, monitors);
    if (window.monitor < 0 && !layout.monitor.empty()) {
      std::string have;
      for (const auto& m : monitors) have += (have.empty() ? "" : "; ") + describeMonitor(m);
      problems.push_back(venueFile + ": output[" + std::to_string(i) + "].monitor: no monitor '" + layout.monitor +
                         "' (have " + (have.empty() ? "none" : have) + "); output " + std::to_string(i + 1) +
                         " opens windowed");
    }
    window.title = venue.outputs.size() == 1 ? title
                                             : title + " (output " + std::to_string(i + 1) +
                                                   (layout.name.empty() ? "" : ": " + layout.name) + ")";
    if (i == 0) options.output = window;
    else options.moreOutputs.push_back(window);
  }
  return options;
}

}  // namespace afterimage::ui
