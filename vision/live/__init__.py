"""Live coaching: incremental analysis of a stream of frames, cues and the safety watch."""
