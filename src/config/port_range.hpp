// Port ranges in settings ([ftp] passive_ports, [data] passive_ports): the
// type is net's, so that net need not depend on config.
#pragma once

#include "net/port_range.hpp"

namespace fleet::config {

using net::PortRange;
using net::parse_port_range;

}  // namespace fleet::config
