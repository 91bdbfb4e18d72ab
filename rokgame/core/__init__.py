"""The pure core: chart model, timing, judging and scoring. Standard library only.

Nothing here may import pygame, numpy, librosa or yt_dlp (a test checks it), so the
rules of the game can be tested, replayed and reasoned about without a screen.
"""
