#include "wave_json.hpp"

#include <nlohmann/json.hpp>
#include <stdexcept>

namespace ohci::sim::timing {

void LaneBuilder::put(char code, const std::string& label, bool merge) {
  const bool same = merge && code == last_code_ && label == last_label_;
  lane_.wave.push_back(same ? '.' : code);
  const bool data_cell = code != '0' && code != '1' && code != 'z' && code != 'x' && code != 'p';
  if (!same && data_cell) lane_.data.push_back(label);
  last_code_ = code;
  last_label_ = label;
}

void LaneBuilder::gap() {
  if (lane_.wave.empty())
    throw std::logic_error("LaneBuilder::gap: a lane cannot start with a gap");
  lane_.wave.push_back('|');
}

void LaneBuilder::mark(char name) {
  if (lane_.wave.empty()) throw std::logic_error("LaneBuilder::mark: no column to mark");
  lane_.node.resize(lane_.wave.size(), '.');
  lane_.node.back() = name;
}

namespace {

nlohmann::ordered_json lane_json(const WaveLane& lane) {
  nlohmann::ordered_json json = nlohmann::ordered_json::object();
  if (lane.name.empty() && lane.wave.empty()) return json;  // a spacer: {}
  json["name"] = lane.name;
  json["wave"] = lane.wave;
  if (!lane.data.empty()) json["data"] = lane.data;
  if (!lane.node.empty()) json["node"] = lane.node;
  return json;
}

}  // namespace

std::string to_wavejson(const WaveDiagram& diagram) {
  std::string text = "{\n  \"signal\": [\n";
  for (std::size_t i = 0; i < diagram.lanes.size(); ++i) {
    text += "    " + lane_json(diagram.lanes[i]).dump();
    text += i + 1 < diagram.lanes.size() ? ",\n" : "\n";
  }
  text += "  ],\n";
  if (!diagram.edges.empty()) {
    text += "  \"edge\": [\n";
    for (std::size_t i = 0; i < diagram.edges.size(); ++i) {
      text += "    " + nlohmann::ordered_json(diagram.edges[i]).dump();
      text += i + 1 < diagram.edges.size() ? ",\n" : "\n";
    }
    text += "  ],\n";
  }
  text += "  \"head\": " + nlohmann::ordered_json({{"text", diagram.title}}).dump() + ",\n";
  if (!diagram.caption.empty())
    text += "  \"foot\": " + nlohmann::ordered_json({{"text", diagram.caption}}).dump() + ",\n";
  text += "  \"config\": " + nlohmann::ordered_json({{"hscale", diagram.hscale}}).dump() + "\n}\n";
  return text;
}

}  // namespace ohci::sim::timing
