package io.ernieneo4j.trainer.cli;

import io.ernieneo4j.trainer.training.EpochRecord;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The PNG of a run: training loss (left axis) and the dev metric (right axis) per epoch. */
final class TrainingPlot {

    private TrainingPlot() {}

    /** @param devMetricName the dev metric's name, or null for a run without a dev set (only the loss is drawn) */
    static void write(Path png, String title, String devMetricName, List<EpochRecord> history) throws IOException {
        System.setProperty("java.awt.headless", "true");
        double[] epochs = history.stream().mapToDouble(EpochRecord::epoch).toArray();
        XYChart chart = new XYChartBuilder().width(800).height(480).title(title).xAxisTitle("epoch").build();
        chart.getStyler().setMarkerSize(8);
        XYSeries loss = chart.addSeries("train loss", epochs,
                history.stream().mapToDouble(EpochRecord::trainLoss).toArray());
        loss.setYAxisGroup(0);
        chart.setYAxisGroupTitle(0, "train loss");
        if (devMetricName != null) {
            XYSeries dev = chart.addSeries("dev " + devMetricName, epochs,
                    history.stream().mapToDouble(EpochRecord::devMetric).toArray());
            dev.setYAxisGroup(1);
            chart.setYAxisGroupTitle(1, "dev " + devMetricName);
        }
        String file = png.toString();
        BitmapEncoder.saveBitmap(chart, file.endsWith(".png") ? file.substring(0, file.length() - 4) : file,
                BitmapEncoder.BitmapFormat.PNG);
    }
}
