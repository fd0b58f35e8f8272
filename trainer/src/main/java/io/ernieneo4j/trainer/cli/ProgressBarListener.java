package io.ernieneo4j.trainer.cli;

import io.ernieneo4j.trainer.training.EpochRecord;
import io.ernieneo4j.trainer.training.TrainingListener;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.Locale;

/** A terminal progress bar over a run's optimiser steps (steps/s, ETA, last loss), and one line per epoch. */
final class ProgressBarListener implements TrainingListener {

    private final String task;
    private ProgressBar bar;
    private double recentLoss = Double.NaN;

    ProgressBarListener(String task) {
        this.task = task;
    }

    @Override
    public void onTrainingStart(int totalSteps, int firstStep) {
        bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(totalSteps).setStyle(ProgressBarStyle.ASCII)
                .setUnit(" steps", 1).showSpeed().setUpdateIntervalMillis(500).build();
        bar.stepTo(firstStep);
    }

    @Override
    public void onStep(int step, float loss, float learningRate) {
        recentLoss = Double.isNaN(recentLoss) ? loss : 0.95 * recentLoss + 0.05 * loss;
        bar.stepTo(step + 1L);
        bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f lr %.2e", recentLoss, learningRate));
    }

    @Override
    public void onEpoch(EpochRecord epoch) {
        info(String.format(Locale.ROOT, "epoch %d: train loss %.4f, dev %.4f, %.1f sequences/s (%.1f pieces avg)",
                epoch.epoch(), epoch.trainLoss(), epoch.devMetric(), epoch.sequencesPerSecond(),
                epoch.meanPieces()));
    }

    @Override
    public void info(String message) {
        if (bar != null) {
            bar.pause();
        }
        System.out.println(message);
        if (bar != null) {
            bar.resume();
        }
    }

    @Override
    public void onTrainingEnd() {
        if (bar != null) {
            bar.close();
        }
    }
}
