// WaveJSON, the source format of WaveDrom timing diagrams (https://wavedrom.com/tutorial.html):
// lanes built one column at a time, and a writer that puts each lane on a line of its own so a
// changed cycle shows as a one-line diff of the committed docs/timing/*.json.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ohci::sim::timing {

// One signal lane: WaveDrom's `wave` string (one character per column), the labels of its
// data cells in order, and its `node` string (named points that edges join).
struct WaveLane {
  std::string name;
  std::string wave;
  std::vector<std::string> data;
  std::string node;
};

// The colours WaveDrom gives data cells ('=' and '2' are white, '3'..'9' coloured).
enum class Shade : char {
  Plain = '=',
  Yellow = '3',
  Orange = '4',
  Blue = '5',
  Cyan = '6',
  Green = '7',
  Red = '8',
  Purple = '9',
};

// Builds one lane column by column. A column repeating the previous one's state becomes '.', so
// WaveDrom draws one level or one data cell across them; a data cell may instead be asked to
// start anew even with the same label (each byte on D is its own cell).
class LaneBuilder {
 public:
  explicit LaneBuilder(std::string name) { lane_.name = std::move(name); }

  void level(bool high) { put(high ? '1' : '0', {}, true); }
  void high_z() { put('z', {}, true); }
  void unknown() { put('x', {}, true); }
  // A clock tick (WaveDrom 'p'; later ticks '.').
  void clock() { put('p', {}, true); }
  void value(const std::string& label, Shade shade = Shade::Plain, bool merge = true) {
    put(static_cast<char>(shade), label, merge);
  }
  // A column of elided time: the state goes on, drawn with WaveDrom's gap mark.
  void gap();
  // Names the last column's point `name` (a letter) for edges.
  void mark(char name);

  std::size_t columns() const { return lane_.wave.size(); }
  const WaveLane& lane() const { return lane_; }

 private:
  void put(char code, const std::string& label, bool merge);

  WaveLane lane_;
  char last_code_ = 0;
  std::string last_label_;
};

// A whole diagram: lanes (an empty name with nothing else is a spacer), edges ("a~>b text"),
// a title above it, a caption below it, and WaveDrom's horizontal scale.
struct WaveDiagram {
  std::vector<WaveLane> lanes;
  std::vector<std::string> edges;
  std::string title;
  std::string caption;
  unsigned hscale = 1;
};

// The WaveJSON text: valid JSON, one lane per line, ending in a newline.
std::string to_wavejson(const WaveDiagram& diagram);

}  // namespace ohci::sim::timing
