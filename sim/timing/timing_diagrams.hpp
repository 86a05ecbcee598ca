// The timing diagrams of docs/timing.md, drawn from one TimingRecord: every cycle number in them
// comes from the run, none is typed in.
#pragma once

#include "timing_scenario.hpp"
#include "wave_json.hpp"

namespace ohci::sim::timing {

// The first isochronous packet on the PHY-link pins, one column per clk: the end of the cycle
// start before it, node 0's IsoReq on LREQ, Grant and Idle from the PHY, the packet on CTL/D
// byte by byte, the link's two Idle cycles and release; and node 1's PHY repeating it (data-on,
// speed code, the same bytes two clk later). Throws std::runtime_error if a cycle of that window
// was not sampled.
WaveDiagram pin_diagram(const TimingRecord& record);

// From the attach to the callback, on a compressed time axis: one column per cycle something
// happens in, elided time between them marked as gaps. The attach, the batch's packets on D,
// their status write-backs, irq, the ISR, the DPC and the callback, with edges giving the clk
// between the steps that docs/architecture.md's latency table names.
WaveDiagram attach_diagram(const TimingRecord& record);

}  // namespace ohci::sim::timing
