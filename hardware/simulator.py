"""A dispenser board that speaks MDP/1, for the demo, the tests and the technician's training.

Two layers, usable apart:

- `SimulatedBoard` (in `hardware.sim_board`): the board as a pure state machine. Request frames
  and `now` in, replies out; slots, motors, home switches, history, duplicate memory, faults.
- `PtyBoardServer` (in `hardware.sim_pty`): that board behind a pty, in a background thread,
  with the wire's faults (corruption, lost replies, delay, power-up noise, unplug/replug).

    with PtyBoardServer(SimulatedBoard(revolution_s=0.05)) as sim:
        with Board(sim.path) as board:
            board.vend(1, slot=3)
        assert sim.revolutions == {1: 1}

`python main.py board-sim` runs one from the command line.
"""

from hardware.sim_board import HISTORY, STALL_TIMEOUT_S, SimSlot, SimulatedBoard
from hardware.sim_pty import PtyBoardServer, WireStats

__all__ = [
    "HISTORY",
    "STALL_TIMEOUT_S",
    "PtyBoardServer",
    "SimSlot",
    "SimulatedBoard",
    "WireStats",
]
