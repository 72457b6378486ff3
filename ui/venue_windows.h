// From a venue's outputs to the presenter's windows: each output's monitor
// (a name as GLFW reports it, or an index) resolved among those connected.
// An output whose monitor is missing opens windowed and is reported, so a
// venue file from another night still starts the show.
#pragma once
#include <string>
#include <vector>

#include "ui/monitors.h"
#include "ui/presenter.h"
#include "ui/venue.h"

namespace afterimage::ui {

// -1 when `monitor` is empty or names none of `monitors`.
int findMonitor(const std::string& monitor, const std::vector<MonitorInfo>& monitors);

// The presenter's options for the venue's outputs (title "TITLE" or
// "TITLE (output N: NAME)"); `problems` gets one line per missing monitor.
PresenterOptions presenterOptionsFor(const Venue& venue, const std::vector<MonitorInfo>& monitors,
                                     const std::string& title, const std::string& venueFile,
                                     std::vector<std::string>& problems);

}  // namespace afterimage::ui
